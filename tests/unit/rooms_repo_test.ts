import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import {
  createRooms,
  hasEnded,
  type Room,
  type RoomHead,
} from "../../lib/db/rooms.ts";
import { encodeGeohash } from "../../lib/geo/cover.ts";
import {
  destinationPoint as destination,
  type LatLng,
} from "../../lib/geo/distance.ts";
import type { CreateRoomInput } from "../../lib/shared/schemas.ts";
import { allEntries, openTestStore } from "../helpers/store.ts";

const HOUR = 3_600_000;
const LISBON: LatLng = { lat: 38.7223, lng: -9.1393 };

const input = (
  at: LatLng,
  extra: Partial<CreateRoomInput> = {},
): CreateRoomInput => ({
  name: "Room",
  description: "",
  lat: at.lat,
  lng: at.lng,
  radiusM: 300,
  category: "social",
  ...extra,
});

Deno.test("createRoom - writes room, geo pin, head, owner membership and count in one commit", async () => {
  const store = await openTestStore();
  try {
    const room = await createRooms(store).createRoom(
      "OWNER",
      input(LISBON, { name: "Praça", radiusM: 250 }),
    );
    assert.equal(room.geohash, encodeGeohash(LISBON));
    assert.equal(room.createdAt, store.clock.now());
    assert.equal(room.expiresAt, null);
    const entries = await store.kv.getMany<unknown[]>([
      keys.room(room.id),
      keys.roomByGeohash(room.geohash, room.id),
      keys.roomHead(room.id),
      keys.roomMember(room.id, "OWNER"),
      keys.roomByMember("OWNER", room.id),
      keys.roomMemberCount(room.id),
    ]);
    const head = entries[2].value as RoomHead;
    assert.match(head.epoch ?? "", /^[0-9a-f]{8}$/);
    const owner = { joinedAt: store.clock.now(), role: "owner", joinSeq: 0 };
    assert.deepEqual(entries.map((e) => e.value), [
      room,
      { lat: LISBON.lat, lng: LISBON.lng, expiresAt: null },
      { seq: 0, lastMessageAt: null, epoch: head.epoch },
      owner,
      owner,
      1,
    ]);
    // One versionstamp across all six keys: they were written by a single atomic commit.
    assert.equal(new Set(entries.map((e) => e.versionstamp)).size, 1);
    // No event: the log starts empty, and the owner's joinSeq 0 lies before every event.
    assert.equal((await allEntries(store.kv)).length, 6);
  } finally {
    store.kv.close();
  }
});

Deno.test("createRoom - each room's log gets its own epoch", async () => {
  const store = await openTestStore();
  try {
    const rooms = createRooms(store);
    const epochs = new Set<string | undefined>();
    for (let i = 0; i < 5; i++) {
      const room = await rooms.createRoom("OWNER", input(LISBON));
      epochs.add(
        (await store.kv.get<RoomHead>(keys.roomHead(room.id))).value?.epoch,
      );
    }
    // A cursor from one room's log (or an older incarnation) never resumes another's.
    assert.equal(epochs.size, 5);
    assert.ok(!epochs.has(undefined));
  } finally {
    store.kv.close();
  }
});

Deno.test("getRoom - an event room is still read after its end, and has ended from expiresAt on", async () => {
  const store = await openTestStore();
  try {
    const rooms = createRooms(store);
    const expiresAt = store.clock.now() + HOUR;
    const room = await rooms.createRoom(
      "OWNER",
      input(LISBON, { expiresAt: new Date(expiresAt).toISOString() }),
    );
    assert.equal(room.expiresAt, expiresAt);
    store.clock.set(expiresAt - 1);
    assert.equal(
      hasEnded((await rooms.getRoom(room.id))!, store.clock.now()),
      false,
    );
    store.clock.set(expiresAt);
    // Ended rooms stay readable (read-only) until the purge deletes the record.
    const ended = await rooms.getRoom(room.id);
    assert.equal(ended?.id, room.id);
    assert.equal(hasEnded(ended!, store.clock.now()), true);
    assert.notEqual((await store.kv.get(keys.room(room.id))).value, null);
  } finally {
    store.kv.close();
  }
});

Deno.test("listRoomsNearby - skips an expired room and keeps the live one", async () => {
  const store = await openTestStore();
  try {
    const rooms = createRooms(store);
    const expiresAt = store.clock.now() + HOUR;
    const doomed = await rooms.createRoom(
      "OWNER",
      input(LISBON, { expiresAt: new Date(expiresAt).toISOString() }),
    );
    const lasting = await rooms.createRoom(
      "OWNER",
      input(destination(LISBON, 90, 40)),
    );
    const ids = async () =>
      (await rooms.listRoomsNearby(LISBON, 1_000, 10)).map((f) => f.room.id);
    assert.deepEqual(await ids(), [doomed.id, lasting.id]);
    store.clock.set(expiresAt);
    assert.deepEqual(await ids(), [lasting.id]);
  } finally {
    store.kv.close();
  }
});

Deno.test("listRoomsNearby - an empty area and a lone room beyond the radius give []", async () => {
  const store = await openTestStore();
  try {
    const rooms = createRooms(store);
    assert.deepEqual(await rooms.listRoomsNearby(LISBON, 50_000, 50), []);
    await rooms.createRoom("OWNER", input(destination(LISBON, 10, 1_050)));
    assert.deepEqual(await rooms.listRoomsNearby(LISBON, 1_000, 50), []);
    assert.equal((await rooms.listRoomsNearby(LISBON, 1_100, 50)).length, 1);
  } finally {
    store.kv.close();
  }
});

Deno.test("getRoomStats - head and member count per id in order, zeros for unknown ids", async () => {
  const store = await openTestStore();
  try {
    const rooms = createRooms(store);
    const made: Room[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(await rooms.createRoom(`OWNER${i}`, input(LISBON)));
    }
    await store.kv.set(keys.roomMemberCount(made[3].id), 4);
    await store.kv.set(keys.roomHead(made[5].id), {
      seq: 9,
      lastMessageAt: 123,
    });
    // 8 ids are 16 keys: more than one getMany batch.
    const stats = await rooms.getRoomStats([...made.map((r) => r.id), "NONE"]);
    assert.deepEqual(stats.map((s) => s.memberCount), [1, 1, 1, 4, 1, 1, 1, 0]);
    assert.deepEqual(stats.map((s) => s.head.seq), [0, 0, 0, 0, 0, 9, 0, 0]);
    assert.equal(stats[5].head.lastMessageAt, 123);
  } finally {
    store.kv.close();
  }
});
