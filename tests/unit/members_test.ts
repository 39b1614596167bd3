import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import { createMembers } from "../../lib/db/members.ts";
import { createRoomLog, type RoomEvent } from "../../lib/db/room_log.ts";
import type { AuthorView } from "../../lib/shared/schemas.ts";
import { allEntries, openTestStore, type TestStore } from "../helpers/store.ts";

const ROOM = "ROOM";

const user = (id: string): AuthorView => ({
  id,
  handle: id.toLowerCase(),
  displayName: id,
});

/** A store holding an empty room log (a head and nothing else). */
async function roomStore() {
  const store = await openTestStore();
  await store.kv.set(keys.roomHead(ROOM), {
    seq: 0,
    lastMessageAt: null,
    epoch: "e0",
  });
  const log = createRoomLog(store);
  return { store, log, members: createMembers(store, log) };
}

async function countKeys(store: TestStore, prefix: Deno.KvKey) {
  let n = 0;
  for await (const _ of store.kv.list({ prefix })) n++;
  return n;
}

async function memberState(store: TestStore, users: string[]) {
  const count = (await store.kv.get<number>(keys.roomMemberCount(ROOM))).value;
  const members = await countKeys(store, keys.roomMembersPrefix(ROOM));
  let reverse = 0;
  for (const u of users) {
    if ((await store.kv.get(keys.roomByMember(u, ROOM))).value) reverse++;
  }
  return { count, members, reverse };
}

async function events(store: TestStore) {
  const head = (await store.kv.get<{ seq: number }>(keys.roomHead(ROOM)))
    .value!;
  const found: RoomEvent[] = [];
  for await (
    const e of store.kv.list<RoomEvent>({
      prefix: keys.roomEventsPrefix(ROOM),
    })
  ) found.push(e.value);
  return { head: head.seq, found };
}

Deno.test("addMember - a join appends member.joined and records its seq as joinSeq", async () => {
  const { store, members } = await roomStore();
  try {
    assert.equal(await members.addMember(ROOM, user("U1")), true);
    const joined = await members.getMember(ROOM, "U1");
    assert.deepEqual(joined, {
      joinedAt: store.clock.now(),
      role: "member",
      joinSeq: 1,
    });
    assert.deepEqual(
      (await store.kv.get(keys.roomByMember("U1", ROOM))).value,
      joined,
    );
    const { head, found } = await events(store);
    assert.equal(head, 1);
    assert.deepEqual(found.map((e) => [e.seq, e.kind]), [[1, "member.joined"]]);
    assert.deepEqual(found[0], {
      kind: "member.joined",
      user: user("U1"),
      memberCount: 1,
      role: "member",
      roomId: ROOM,
      seq: 1,
      at: store.clock.now(),
      expiresAt: found[0].expiresAt,
    });
    // Membership, reverse index, count, event and head: one commit.
    const stamps = await store.kv.getMany([
      keys.roomMember(ROOM, "U1"),
      keys.roomByMember("U1", ROOM),
      keys.roomMemberCount(ROOM),
      keys.roomEvent(ROOM, 1),
      keys.roomHead(ROOM),
    ]);
    assert.equal(new Set(stamps.map((e) => e.versionstamp)).size, 1);
  } finally {
    store.kv.close();
  }
});

Deno.test("addMember - a second add of the same user returns false and writes nothing", async () => {
  const { store, members } = await roomStore();
  try {
    await members.addMember(ROOM, user("U1"));
    const before = await allEntries(store.kv);
    store.clock.advance(1_000);
    assert.equal(await members.addMember(ROOM, user("U1")), false);
    assert.deepEqual(await allEntries(store.kv), before);
    assert.deepEqual(await memberState(store, ["U1"]), {
      count: 1,
      members: 1,
      reverse: 1,
    });
  } finally {
    store.kv.close();
  }
});

Deno.test("deleteMember - true once (a member.left), then false with no event, count at zero", async () => {
  const { store, members } = await roomStore();
  try {
    assert.equal(await members.deleteMember(ROOM, user("U1")), false);
    assert.equal((await events(store)).head, 0);
    await members.addMember(ROOM, user("U1"));
    assert.equal(await members.deleteMember(ROOM, user("U1")), true);
    assert.equal(await members.deleteMember(ROOM, user("U1")), false);
    assert.equal(await members.getMember(ROOM, "U1"), null);
    assert.deepEqual(await memberState(store, ["U1"]), {
      count: 0,
      members: 0,
      reverse: 0,
    });
    const { head, found } = await events(store);
    assert.equal(head, 2);
    assert.deepEqual(
      found.map((e) => e.kind === "member.left" && [e.userId, e.memberCount]),
      [false, ["U1", 0]],
    );
  } finally {
    store.kv.close();
  }
});

Deno.test("addMember - a rejoin after leaving gets the seq of the new join", async () => {
  const { store, members } = await roomStore();
  try {
    await members.addMember(ROOM, user("U1"));
    await members.addMember(ROOM, user("U2"));
    await members.deleteMember(ROOM, user("U1"));
    await members.addMember(ROOM, user("U1"));
    // The leave at seq 3 is older than this membership, so it must not end its subscriptions.
    assert.equal((await members.getMember(ROOM, "U1"))?.joinSeq, 4);
    assert.equal((await members.getMember(ROOM, "U2"))?.joinSeq, 2);
  } finally {
    store.kv.close();
  }
});

Deno.test("addMember - an unknown room is 404 and writes nothing", async () => {
  const store = await openTestStore();
  try {
    const members = createMembers(store, createRoomLog(store));
    await assert.rejects(members.addMember("NOPE", user("U1")), {
      status: 404,
    });
    await assert.rejects(members.deleteMember("NOPE", user("U1")), {
      status: 404,
    });
    assert.deepEqual(await allEntries(store.kv), []);
  } finally {
    store.kv.close();
  }
});

Deno.test("addMember/deleteMember - concurrent changes from two repositories keep count, keys and log in step", async () => {
  const { store, members: a } = await roomStore();
  try {
    // A second repository with its own log and lanes over the same KV, like another isolate.
    const b = createMembers(store, createRoomLog(store));
    const users = Array.from(
      { length: 120 },
      (_, i) => `U${String(i).padStart(3, "0")}`,
    );
    // The first 60 are members already (seqs 1..60).
    for (const u of users.slice(0, 60)) await a.addMember(ROOM, user(u));

    const ops: Promise<boolean>[] = [];
    const expected = new Set(users.slice(0, 60));
    users.forEach((u, i) => {
      const repo = i % 2 ? a : b;
      if (i < 30) { // leave
        ops.push(repo.deleteMember(ROOM, user(u)));
        expected.delete(u);
      } else if (i < 60) { // already in: adds are no-ops
        ops.push(repo.addMember(ROOM, user(u)));
      } else { // join, from both repositories at once: exactly one wins
        ops.push(a.addMember(ROOM, user(u)), b.addMember(ROOM, user(u)));
        expected.add(u);
      }
    });
    const results = await Promise.all(ops);

    // 30 leaves succeed, 30 re-adds do nothing, 60 joins each succeed exactly once.
    assert.equal(results.filter(Boolean).length, 30 + 60);
    assert.deepEqual(await memberState(store, users), {
      count: expected.size,
      members: expected.size,
      reverse: expected.size,
    });
    // One event per change, gap-free, and each event's count follows from the one before.
    const { head, found } = await events(store);
    assert.equal(head, 60 + 30 + 60);
    assert.deepEqual(found.map((e) => e.seq), range(1, head));
    let count = 0;
    const joinSeqs = new Map<string, number>();
    for (const e of found) {
      if (e.kind === "member.joined") {
        count++;
        joinSeqs.set(e.user.id, e.seq);
      } else if (e.kind === "member.left") {
        count--;
        joinSeqs.delete(e.userId);
      } else assert.fail(`unexpected ${e.kind}`);
      assert.equal(e.memberCount, count, `seq ${e.seq}`);
    }
    assert.deepEqual([...joinSeqs.keys()].sort(), [...expected].sort());
    for (const [id, seq] of joinSeqs) {
      assert.equal((await a.getMember(ROOM, id))?.joinSeq, seq, id);
    }
    const listed = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await a.listMembers(ROOM, 25, cursor);
      for (const m of page.items) listed.add(m.userId);
      cursor = page.cursor ?? undefined;
    } while (cursor);
    assert.deepEqual([...listed].sort(), [...expected].sort());
  } finally {
    store.kv.close();
  }
});

Deno.test("listMembers - pages in user-id order with a cursor, ending with null", async () => {
  const { store, members } = await roomStore();
  try {
    await store.kv.set(keys.roomHead("OTHER"), { seq: 0, lastMessageAt: null });
    for (const u of ["C", "A", "E", "B", "D"]) {
      await members.addMember(ROOM, user(u));
    }
    await members.addMember("OTHER", user("Z"));
    const first = await members.listMembers(ROOM, 2);
    assert.deepEqual(first.items.map((m) => m.userId), ["A", "B"]);
    assert.equal(first.cursor, "B");
    const second = await members.listMembers(ROOM, 2, "B");
    assert.deepEqual(second.items.map((m) => m.userId), ["C", "D"]);
    const last = await members.listMembers(ROOM, 2, "D");
    assert.deepEqual(last.items.map((m) => m.userId), ["E"]);
    assert.equal(last.cursor, null);
    const exact = await members.listMembers(ROOM, 5);
    assert.equal(exact.items.length, 5);
    assert.equal(exact.cursor, null);
    assert.equal(first.items[0].membership.role, "member");
  } finally {
    store.kv.close();
  }
});

function range(from: number, to: number) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
