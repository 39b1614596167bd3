import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import {
  createMessages,
  MESSAGE_PAGE_MAX,
  type Messages,
} from "../../lib/db/messages.ts";
import { createRooms } from "../../lib/db/rooms.ts";
import type { AuthorView } from "../../lib/shared/schemas.ts";
import { openTestStore, type TestStore } from "../helpers/store.ts";

const ALICE: AuthorView = {
  id: "01HZZZZZZZZZZZZZZZZZZZZZZA",
  handle: "alice",
  displayName: "Alice",
};
const BOB: AuthorView = {
  id: "01HZZZZZZZZZZZZZZZZZZZZZZB",
  handle: "bob",
  displayName: "Bob",
};

async function newRoom(store: TestStore): Promise<string> {
  const room = await createRooms(store).createRoom(ALICE.id, {
    name: "Room",
    description: "",
    lat: 38.7,
    lng: -9.1,
    radiusM: 300,
    category: "social",
  });
  return room.id;
}

async function fill(messages: Messages, roomId: string, n: number) {
  for (let i = 1; i <= n; i++) {
    await messages.createMessage(roomId, ALICE, `m${i}`, `c${i}`);
  }
}

const seqs = (items: { seq: number }[]) => items.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

Deno.test("createMessage - 100 concurrent sends from two isolates' repositories get seq 1..100 once each", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    // Two repositories over one KV: each has its own lanes, like two isolates.
    const a = createMessages(store);
    const b = createMessages(store);
    const results = await Promise.all(
      range(1, 100).map((i) =>
        (i % 2 ? a : b).createMessage(roomId, ALICE, `text ${i}`, `client-${i}`)
      ),
    );
    assert.ok(results.every((r) => r.created && r.message));
    assert.deepEqual(
      results.map((r) => r.message!.seq).sort((x, y) => x - y),
      range(1, 100),
    );
    assert.equal(new Set(results.map((r) => r.message!.id)).size, 100);
    assert.equal((await a.getRoomHead(roomId))?.seq, 100);
    const stored = await a.listMessagesBetween(roomId, 0, 1_000);
    assert.deepEqual(seqs(stored), range(1, 100));
    // Each stored message is the one its sender was told about.
    const byClient = new Map(stored.map((m) => [m.clientId, m]));
    for (const r of results) {
      assert.deepEqual(byClient.get(r.message!.clientId), r.message);
    }
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - the same author and clientId twice stores one message", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = createMessages(store);
    const first = await messages.createMessage(roomId, ALICE, "hello", "c-1");
    store.clock.advance(5_000);
    const again = await messages.createMessage(roomId, ALICE, "hello!", "c-1");
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.message?.id, first.message?.id);
    assert.deepEqual(again.message, first.message);
    assert.equal((await messages.getRoomHead(roomId))?.seq, 1);
    assert.equal(
      (await messages.listMessagesBetween(roomId, 0, 10)).length,
      1,
    );
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - a retried clientId racing across two repositories still stores one", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const a = createMessages(store);
    const b = createMessages(store);
    const results = await Promise.all(
      range(1, 10).map((i) =>
        (i % 2 ? a : b).createMessage(roomId, ALICE, "once", "same-id")
      ),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.message?.id)).size, 1);
    assert.equal((await a.getRoomHead(roomId))?.seq, 1);
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - another author with the same clientId makes a new message", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = createMessages(store);
    const mine = await messages.createMessage(roomId, ALICE, "hi", "c-1");
    const theirs = await messages.createMessage(roomId, BOB, "hi", "c-1");
    assert.equal(theirs.created, true);
    assert.notEqual(theirs.message?.id, mine.message?.id);
    assert.equal(theirs.message?.seq, 2);
    assert.deepEqual(theirs.message?.author, BOB);
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - an unknown room gives a null message and writes nothing", async () => {
  const store = await openTestStore();
  try {
    const messages = createMessages(store);
    const res = await messages.createMessage("NO_ROOM", ALICE, "hi", "c-1");
    assert.deepEqual(res, { message: null, created: false });
    let n = 0;
    for await (const _ of store.kv.list({ prefix: [] })) n++;
    assert.equal(n, 0);
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - stores the message, head and clientId record in one commit", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = createMessages(store);
    const { message } = await messages.createMessage(roomId, BOB, "yo", "c-9");
    assert.ok(message);
    assert.equal(message.createdAt, store.clock.now());
    const entries = await store.kv.getMany<unknown[]>([
      keys.message(roomId, 1),
      keys.roomHead(roomId),
      keys.messageByClientId(roomId, BOB.id, "c-9"),
    ]);
    assert.deepEqual(entries.map((e) => e.value), [
      message,
      { seq: 1, lastMessageAt: store.clock.now() },
      1,
    ]);
    assert.equal(new Set(entries.map((e) => e.versionstamp)).size, 1);
  } finally {
    store.kv.close();
  }
});

Deno.test("listMessages - pages backward from the newest with before-cursors", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = createMessages(store);
    await fill(messages, roomId, 25);
    const latest = await messages.listMessages(roomId, { limit: 10 });
    assert.deepEqual(seqs(latest.items), range(16, 25));
    assert.equal(latest.cursor, "16");
    const older = await messages.listMessages(roomId, {
      before: Number(latest.cursor),
      limit: 10,
    });
    assert.deepEqual(seqs(older.items), range(6, 15));
    assert.equal(older.cursor, "6");
    const oldest = await messages.listMessages(roomId, {
      before: Number(older.cursor),
      limit: 10,
    });
    assert.deepEqual(seqs(oldest.items), range(1, 5));
    assert.equal(oldest.cursor, null);
    const exact = await messages.listMessages(roomId, {
      before: 11,
      limit: 10,
    });
    assert.deepEqual(seqs(exact.items), range(1, 10));
    assert.equal(exact.cursor, null);
    const none = await messages.listMessages(roomId, { before: 1, limit: 10 });
    assert.deepEqual(none, { items: [], cursor: null });
  } finally {
    store.kv.close();
  }
});

Deno.test("listMessages - pages forward with after-cursors", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = createMessages(store);
    await fill(messages, roomId, 25);
    const first = await messages.listMessages(roomId, { after: 0, limit: 10 });
    assert.deepEqual(seqs(first.items), range(1, 10));
    assert.equal(first.cursor, "10");
    const second = await messages.listMessages(roomId, {
      after: Number(first.cursor),
      limit: 10,
    });
    assert.deepEqual(seqs(second.items), range(11, 20));
    assert.equal(second.cursor, "20");
    const last = await messages.listMessages(roomId, { after: 20, limit: 10 });
    assert.deepEqual(seqs(last.items), range(21, 25));
    assert.equal(last.cursor, null);
    const exact = await messages.listMessages(roomId, { after: 15, limit: 10 });
    assert.deepEqual(seqs(exact.items), range(16, 25));
    assert.equal(exact.cursor, null);
    const beyond = await messages.listMessages(roomId, {
      after: 25,
      limit: 10,
    });
    assert.deepEqual(beyond, { items: [], cursor: null });
  } finally {
    store.kv.close();
  }
});

Deno.test("listMessages - stays inside its room and caps a page at MESSAGE_PAGE_MAX", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const otherId = await newRoom(store);
    const messages = createMessages(store);
    await fill(messages, roomId, MESSAGE_PAGE_MAX + 5);
    await fill(messages, otherId, 3);
    const capped = await messages.listMessages(roomId, { limit: 10_000 });
    assert.equal(capped.items.length, MESSAGE_PAGE_MAX);
    assert.deepEqual(seqs(capped.items), range(6, MESSAGE_PAGE_MAX + 5));
    assert.equal(capped.cursor, "6");
    assert.ok(capped.items.every((m) => m.roomId === roomId));
    const other = await messages.listMessages(otherId, { after: 0, limit: 50 });
    assert.deepEqual(seqs(other.items), [1, 2, 3]);
    assert.ok(other.items.every((m) => m.roomId === otherId));
  } finally {
    store.kv.close();
  }
});

Deno.test("listMessagesBetween - returns seq in (afterSeq, uptoSeq], ascending", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = createMessages(store);
    await fill(messages, roomId, 12);
    const between = (a: number, b: number) =>
      messages.listMessagesBetween(roomId, a, b).then(seqs);
    assert.deepEqual(await between(5, 10), range(6, 10));
    assert.deepEqual(await between(0, 12), range(1, 12));
    assert.deepEqual(await between(0, 1), [1]);
    assert.deepEqual(await between(11, 12), [12]);
    assert.deepEqual(await between(7, 7), []);
    assert.deepEqual(await between(12, 20), []);
    assert.deepEqual(await between(10, 500), [11, 12]);
  } finally {
    store.kv.close();
  }
});
