import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import { createMembers } from "../../lib/db/members.ts";
import { openTestStore, type TestStore } from "../helpers/store.ts";

const ROOM = "ROOM";

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

Deno.test("addMember - a second add of the same user returns false and changes nothing", async () => {
  const store = await openTestStore();
  try {
    const members = createMembers(store);
    assert.equal(await members.addMember(ROOM, "U1"), true);
    const joined = await members.getMember(ROOM, "U1");
    assert.deepEqual(joined, { joinedAt: store.clock.now() });
    store.clock.advance(1_000);
    assert.equal(await members.addMember(ROOM, "U1"), false);
    assert.deepEqual(await members.getMember(ROOM, "U1"), joined);
    assert.deepEqual(await memberState(store, ["U1"]), {
      count: 1,
      members: 1,
      reverse: 1,
    });
  } finally {
    store.kv.close();
  }
});

Deno.test("deleteMember - true once, then false, leaving the count at zero", async () => {
  const store = await openTestStore();
  try {
    const members = createMembers(store);
    assert.equal(await members.deleteMember(ROOM, "U1"), false);
    await members.addMember(ROOM, "U1");
    assert.equal(await members.deleteMember(ROOM, "U1"), true);
    assert.equal(await members.deleteMember(ROOM, "U1"), false);
    assert.equal(await members.getMember(ROOM, "U1"), null);
    assert.deepEqual(await memberState(store, ["U1"]), {
      count: 0,
      members: 0,
      reverse: 0,
    });
  } finally {
    store.kv.close();
  }
});

Deno.test("addMember/deleteMember - concurrent changes keep the count equal to the membership keys", async () => {
  const store = await openTestStore();
  try {
    const members = createMembers(store);
    const users = Array.from(
      { length: 120 },
      (_, i) => `U${String(i).padStart(3, "0")}`,
    );
    // The first 60 are members already.
    for (const u of users.slice(0, 60)) await members.addMember(ROOM, u);

    const ops: Promise<boolean>[] = [];
    const expected = new Set(users.slice(0, 60));
    users.forEach((u, i) => {
      if (i < 30) { // leave
        ops.push(members.deleteMember(ROOM, u));
        expected.delete(u);
      } else if (i < 60) { // already in: adds are no-ops
        ops.push(members.addMember(ROOM, u));
      } else { // join, twice at once: exactly one wins
        ops.push(members.addMember(ROOM, u), members.addMember(ROOM, u));
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
    const listed = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await members.listMembers(ROOM, 25, cursor);
      for (const m of page.items) listed.add(m.userId);
      cursor = page.cursor ?? undefined;
    } while (cursor);
    assert.deepEqual([...listed].sort(), [...expected].sort());
  } finally {
    store.kv.close();
  }
});

Deno.test("listMembers - pages in user-id order with a cursor, ending with null", async () => {
  const store = await openTestStore();
  try {
    const members = createMembers(store);
    for (const u of ["C", "A", "E", "B", "D"]) await members.addMember(ROOM, u);
    await members.addMember("OTHER", "Z");
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
  } finally {
    store.kv.close();
  }
});
