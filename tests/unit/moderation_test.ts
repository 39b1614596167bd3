import assert from "node:assert/strict";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import { keys } from "../../lib/db/keys.ts";
import type { Membership } from "../../lib/db/members.ts";
import { createServices } from "../../lib/services/mod.ts";
import {
  RAID_EDGE_JOINS,
  RAID_JOINS,
  RAID_SHIELD_MS,
  RAID_WINDOW_MS,
  silenced,
  slowModeWait,
} from "../../lib/services/moderation_rules.ts";
import { openTestStore, type TestStore } from "../helpers/store.ts";

const AT = { lat: 52.52, lng: 13.405 };
/** A point `m` metres north of AT. */
const north = (m: number) => ({ lat: AT.lat + m / 111_195, lng: AT.lng });

async function setUp(store: TestStore, people: number) {
  const services = createServices(store, { sessionTtlMs: 3_600_000 });
  const make = (handle: string) =>
    services.repos.users.createUser({
      handle,
      displayName: handle,
      password: DECOY_HASH,
    });
  const owner = await make("owner");
  const room = await services.rooms.createRoom(owner, {
    name: "Square",
    description: "",
    ...AT,
    placement: "map",
    radiusM: 500,
    category: "social",
  });
  const users = [];
  for (let i = 0; i < people; i++) users.push(await make(`p${i}`));
  return { services, owner, roomId: room.id, users };
}

const send = (
  services: ReturnType<typeof createServices>,
  user: Parameters<ReturnType<typeof createServices>["chat"]["sendMessage"]>[0],
  roomId: string,
  text: string,
) =>
  services.chat.sendMessage(user, roomId, {
    text,
    clientId: crypto.randomUUID().slice(0, 16),
    category: "social",
  });

Deno.test("silenced and slowModeWait - the pure rules", () => {
  assert.equal(silenced({ joinedAt: 0 }, 10), null);
  assert.equal(silenced({ joinedAt: 0, mutedUntil: 10 }, 10), null);
  assert.equal(silenced({ joinedAt: 0, mutedUntil: 11 }, 10)?.code, "muted");
  assert.equal(silenced({ joinedAt: 0, held: true }, 10)?.code, "held");
  assert.equal(slowModeWait(null, 30, 1_000), null);
  assert.equal(slowModeWait(0, 30, 30_000), null);
  const wait = slowModeWait(0, 30, 10_500);
  assert.equal(wait?.status, 429);
  assert.deepEqual(wait?.details, { retryAfterS: 20 });
});

Deno.test("mute - lapses by itself when its time is up (injected clock)", async () => {
  const store = await openTestStore();
  try {
    const { services, owner, roomId, users: [m] } = await setUp(store, 1);
    await services.rooms.joinRoom(m, roomId, { ...AT, accuracy: 5 });
    const until = await services.moderation.mute(owner, roomId, m.id, 30);
    assert.equal(
      until,
      new Date(store.clock.now() + 30 * 60_000).toISOString(),
    );
    await assert.rejects(send(services, m, roomId, "x"), { code: "muted" });
    store.clock.advance(30 * 60_000 - 1);
    await assert.rejects(send(services, m, roomId, "x"), { code: "muted" });
    store.clock.advance(1);
    const { message } = await send(services, m, roomId, "free");
    assert.equal(message.text, "free");
    const entry = await store.kv.get<Membership>(keys.roomMember(roomId, m.id));
    assert.equal(entry.value?.mutedUntil, store.clock.now());
  } finally {
    store.kv.close();
  }
});

Deno.test("raid shield - a surge of joins holds the newcomers until an admin lets them in", async () => {
  const store = await openTestStore();
  try {
    const { services, owner, roomId, users } = await setUp(
      store,
      RAID_JOINS + 1,
    );
    for (const u of users) {
      await services.rooms.joinRoom(u, roomId, { ...AT, accuracy: 5 });
    }
    const held = async (id: string) =>
      (await store.kv.get<Membership>(keys.roomMember(roomId, id))).value
        ?.held ===
        true;
    // The first RAID_JOINS - 1 came in before it tripped; the one that tripped it and later are held.
    const states = await Promise.all(users.map((u) => held(u.id)));
    assert.deepEqual(
      states,
      users.map((_, i) => i >= RAID_JOINS - 1),
    );
    const late = users.at(-1)!;
    await assert.rejects(send(services, late, roomId, "raid!"), {
      code: "held",
    });
    assert.deepEqual(
      (await services.moderation.heldMembers(owner, roomId)).sort(),
      users.slice(RAID_JOINS - 1).map((u) => u.id).sort(),
    );
    await services.moderation.admit(owner, roomId, late.id);
    assert.equal(await held(late.id), false);
    await send(services, late, roomId, "thanks");
    const shield = await services.moderation.shield(owner, roomId);
    assert.equal(shield.up, true);
    assert.equal(
      shield.until,
      new Date(store.clock.now() + RAID_SHIELD_MS).toISOString(),
    );
    await services.moderation.lowerShield(owner, roomId);
    assert.equal((await services.moderation.shield(owner, roomId)).up, false);
  } finally {
    store.kv.close();
  }
});

Deno.test("raid shield - joins hugging the edge trip it sooner", async () => {
  const store = await openTestStore();
  try {
    const { services, roomId, users } = await setUp(store, RAID_EDGE_JOINS);
    for (const u of users) {
      await services.rooms.joinRoom(u, roomId, { ...north(450), accuracy: 5 });
    }
    const held = await Promise.all(
      users.map(async (u) =>
        (await store.kv.get<Membership>(keys.roomMember(roomId, u.id))).value
          ?.held === true
      ),
    );
    assert.deepEqual(held, users.map((_, i) => i === RAID_EDGE_JOINS - 1));
  } finally {
    store.kv.close();
  }
});

Deno.test("raid shield - steady joins from the centre never hold anyone", async () => {
  const store = await openTestStore();
  try {
    const { services, roomId, users } = await setUp(store, RAID_JOINS * 2);
    for (const u of users) {
      // A few a minute, well under the surge line.
      store.clock.advance(RAID_WINDOW_MS / 4);
      await services.rooms.joinRoom(u, roomId, { ...AT, accuracy: 5 });
      const m = await store.kv.get<Membership>(keys.roomMember(roomId, u.id));
      assert.equal(m.value?.held, undefined, u.handle);
    }
  } finally {
    store.kv.close();
  }
});
