import assert from "node:assert/strict";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import { CODE_STEP_MS } from "../../lib/auth/venue_code.ts";
import { createEmbeds } from "../../lib/db/embed.ts";
import { keys } from "../../lib/db/keys.ts";
import { createServices } from "../../lib/services/mod.ts";
import { allEntries, openTestStore, type TestStore } from "../helpers/store.ts";

const AT = { lat: 41.3874, lng: 2.1686 };
const here = { ...AT, accuracy: 10 };
const HOUR = 3_600_000;

async function setUp(store: TestStore, opts: { expiresInMs?: number } = {}) {
  const services = createServices(store, {
    sessionTtlMs: HOUR,
    leaseMs: 12 * HOUR,
    endedRoomRetentionMs: 30 * 24 * HOUR,
  });
  const make = (handle: string) =>
    services.repos.users.createUser({
      handle,
      displayName: handle,
      password: DECOY_HASH,
    });
  const owner = await make("owner");
  const guest = await make("guest");
  const room = await services.rooms.createRoom(owner, {
    name: "Plaça",
    description: "",
    ...AT,
    placement: "map",
    radiusM: 300,
    category: "event",
    ...(opts.expiresInMs
      ? {
        expiresAt: new Date(store.clock.now() + opts.expiresInMs)
          .toISOString(),
      }
      : {}),
  });
  return { services, owner, guest, roomId: room.id };
}

const say = (
  s: ReturnType<typeof createServices>,
  u: Parameters<ReturnType<typeof createServices>["chat"]["sendMessage"]>[0],
  room: string,
  text: string,
) =>
  s.chat.sendMessage(u, room, {
    text,
    clientId: crypto.randomUUID().slice(0, 16),
    category: "social",
  });

Deno.test("lease - a member posts for 12 h after proving their location, then must confirm again", async () => {
  const store = await openTestStore();
  try {
    const { services, owner, guest, roomId } = await setUp(store);
    await services.rooms.joinRoom(guest, roomId, here);
    store.clock.advance(12 * HOUR - 1);
    await say(services, guest, roomId, "still here");
    store.clock.advance(1);
    await assert.rejects(say(services, guest, roomId, "and now?"), {
      status: 403,
      code: "location_stale",
    });
    // Owners and admins moderate from anywhere.
    await say(services, owner, roomId, "from the office");
    // Still a member: reading works.
    const page = await services.chat.listMessages(guest, roomId, { limit: 5 });
    assert.equal(page.items.length, 2);
    await assert.rejects(
      services.rooms.confirmLocation(guest, roomId, {
        lat: AT.lat + 0.05,
        lng: AT.lng,
        accuracy: 10,
      }),
      { status: 403, code: "out_of_range" },
    );
    // Walking back takes a while (an instant 5 km jump would be refused as implausible).
    store.clock.advance(HOUR);
    const { leaseUntil } = await services.rooms.confirmLocation(
      guest,
      roomId,
      here,
    );
    assert.equal(
      leaseUntil,
      new Date(store.clock.now() + 12 * HOUR).toISOString(),
    );
    await say(services, guest, roomId, "confirmed");
  } finally {
    store.kv.close();
  }
});

Deno.test("event rooms - read-only after the end (410), off the map, purged after retention", async () => {
  const store = await openTestStore();
  try {
    const { services, owner, guest, roomId } = await setUp(store, {
      expiresInMs: HOUR,
    });
    await services.rooms.joinRoom(guest, roomId, here);
    const { message } = await say(services, guest, roomId, "see you at 8");
    store.clock.advance(HOUR);
    for (
      const attempt of [
        () => say(services, guest, roomId, "late"),
        () => services.rooms.joinRoom(owner, roomId, here),
        () =>
          services.actions.setReaction(guest, roomId, message.seq, "👍", true),
        () => services.rooms.updateRoom(owner, roomId, { name: "x" }),
      ]
    ) await assert.rejects(attempt(), { status: 410, code: "room_ended" });
    const view = await services.rooms.getRoomView(guest, roomId);
    assert.equal(view.ended, true);
    assert.equal(
      (await services.chat.listMessages(guest, roomId, { limit: 5 })).items
        .length,
      1,
      "members still read it",
    );
    assert.deepEqual(
      await services.rooms.listNearby(AT.lat, AT.lng, 1_000, 10),
      [],
      "gone from the nearby list",
    );
    // Early delivery of the purge re-schedules it; nothing is deleted.
    const early = await services.purge.purge(roomId);
    assert.equal(early.done, false);
    assert.equal(
      (early as { retryInMs: number }).retryInMs,
      30 * 24 * HOUR,
    );
    // A site embedding it: its settings and origin index must go with the room.
    await createEmbeds(store).setEmbed(roomId, {
      origins: ["https://venue.example"],
      allowGuests: false,
      venueScreen: false,
    }, owner.id);
    store.clock.advance(30 * 24 * HOUR);
    const done = await services.purge.purge(roomId);
    assert.equal(done.done, true);
    // Flood windows expire by themselves within seconds; the analytics count keeps no content.
    const kept = ["flood_counts", "stats_room_messages"];
    const left = (await allEntries(store.kv)).filter((e) =>
      JSON.stringify(e.key).includes(roomId) &&
      !kept.includes(e.key[0] as string)
    ).map((e) => e.key[0]);
    assert.deepEqual(left, [], "no key of the room is left");
    assert.equal((await services.purge.purge(roomId)).done, true, "idempotent");
    // Its members' inboxes no longer list it.
    assert.equal(
      (await store.kv.get(keys.roomByMember(guest.id, roomId))).value,
      null,
    );
  } finally {
    store.kv.close();
  }
});

Deno.test("venue check-in - the screen's code joins without a fix; a 2-minute-old code is refused", async () => {
  const store = await openTestStore();
  try {
    const { services, owner, guest, roomId } = await setUp(store);
    await assert.rejects(services.rooms.checkInCode(guest, roomId), {
      status: 403,
    });
    const { code, rotatesAt } = await services.rooms.checkInCode(owner, roomId);
    assert.ok(Date.parse(rotatesAt) - store.clock.now() <= CODE_STEP_MS);
    store.clock.advance(2 * 60_000);
    await assert.rejects(services.rooms.checkIn(guest, roomId, code), {
      status: 403,
      code: "bad_code",
    });
    const fresh = await services.rooms.checkInCode(owner, roomId);
    store.clock.advance(CODE_STEP_MS);
    const view = await services.rooms.checkIn(guest, roomId, fresh.code);
    assert.equal(view.memberCount, 2);
    await say(services, guest, roomId, "checked in at the bar");
  } finally {
    store.kv.close();
  }
});

Deno.test("here - a room created at one's own fix stores only its grid cell's centre", async () => {
  const store = await openTestStore();
  try {
    const { services, owner } = await setUp(store);
    const fix = { lat: 41.3874123, lng: 2.1686789 };
    const room = await services.rooms.createRoom(owner, {
      name: "Here",
      description: "",
      ...fix,
      radiusM: 200,
      category: "social",
    });
    assert.notEqual(room.lat, fix.lat);
    assert.notEqual(room.lng, fix.lng);
    const dump = JSON.stringify(
      (await allEntries(store.kv)).map((e) => e.value),
      (_, v) => typeof v === "bigint" ? String(v) : v,
    );
    assert.ok(!dump.includes("41.3874123"), "the creator's fix is not stored");
    assert.ok(!dump.includes("2.1686789"));
    assert.equal(room.readRadiusM, 400, "read radius defaults to twice");
  } finally {
    store.kv.close();
  }
});

Deno.test("exclusion zones - no room is created or joined inside one (403 excluded_area)", async () => {
  const store = await openTestStore();
  try {
    const { services, owner, guest, roomId } = await setUp(store);
    // A small box around the school next to the square, and the square's own corner.
    await services.repos.zones.addZone("School", [
      [41.3880, 2.1680],
      [41.3880, 2.1700],
      [41.3890, 2.1700],
      [41.3890, 2.1680],
    ]);
    await assert.rejects(
      services.rooms.createRoom(owner, {
        name: "Inside",
        description: "",
        lat: 41.3885,
        lng: 2.169,
        placement: "map",
        radiusM: 100,
        category: "social",
      }),
      { status: 403, code: "excluded_area" },
    );
    // The square's room reaches into the zone: joining from there is refused, from outside not.
    await assert.rejects(
      services.rooms.joinRoom(guest, roomId, {
        lat: 41.3882,
        lng: 2.1686,
        accuracy: 10,
      }),
      { status: 403, code: "excluded_area" },
    );
    store.clock.advance(HOUR);
    await services.rooms.joinRoom(guest, roomId, here);
  } finally {
    store.kv.close();
  }
});
