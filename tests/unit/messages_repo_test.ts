import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import { createMessageActions } from "../../lib/db/message_actions.ts";
import {
  CLIENT_ID_TTL_MS,
  createMessages,
  MESSAGE_PAGE_MAX,
  type Messages,
  type NewMessage,
} from "../../lib/db/messages.ts";
import { createRoomLog, type RoomEvent } from "../../lib/db/room_log.ts";
import { createRooms } from "../../lib/db/rooms.ts";
import type { AuthorView } from "../../lib/shared/schemas.ts";
import { allEntries, openTestStore, type TestStore } from "../helpers/store.ts";

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

/** A messages repository with its own log (and lanes), like one isolate's. */
const repo = (store: TestStore) => createMessages(store, createRoomLog(store));

const msg = (
  author: AuthorView,
  text: string,
  clientId: string,
  extra: Partial<NewMessage> = {},
): NewMessage => ({
  author,
  text,
  clientId,
  category: "social",
  mentions: [],
  ...extra,
});

async function fill(messages: Messages, roomId: string, n: number) {
  for (let i = 1; i <= n; i++) {
    await messages.createMessage(roomId, msg(ALICE, `m${i}`, `c${i}`));
  }
}

async function roomEvents(store: TestStore, roomId: string) {
  const out: RoomEvent[] = [];
  for await (
    const e of store.kv.list<RoomEvent>({
      prefix: keys.roomEventsPrefix(roomId),
    })
  ) out.push(e.value);
  return out;
}

const seqs = (items: { seq: number }[]) => items.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

Deno.test("createMessage - 100 concurrent sends from two repositories get distinct consecutive seqs", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    // Two repositories over one KV: each has its own log and lanes, like two isolates.
    const a = repo(store);
    const b = repo(store);
    const results = await Promise.all(
      range(1, 100).map((i) =>
        (i % 2 ? a : b).createMessage(
          roomId,
          msg(ALICE, `text ${i}`, `client-${i}`),
        )
      ),
    );
    assert.ok(results.every((r) => r.created));
    assert.deepEqual(
      results.map((r) => r.message.seq).sort((x, y) => x - y),
      range(1, 100),
    );
    assert.equal(new Set(results.map((r) => r.message.id)).size, 100);
    assert.equal((await a.getRoomHead(roomId))?.seq, 100);
    const stored = (await a.listMessages(roomId, { after: 0, limit: 200 }))
      .items;
    assert.deepEqual(seqs(stored), range(1, 100));
    // Each stored message is the one its sender was told about, and its message.new says so.
    const byClient = new Map(stored.map((m) => [m.clientId, m]));
    const events = await roomEvents(store, roomId);
    assert.deepEqual(seqs(events), range(1, 100));
    for (const r of results) {
      assert.deepEqual(byClient.get(r.message.clientId), r.message);
      assert.deepEqual(events[r.message.seq - 1], {
        kind: "message.new",
        message: r.message,
        roomId,
        seq: r.message.seq,
        at: r.message.createdAt,
        expiresAt: events[r.message.seq - 1].expiresAt,
      });
    }
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - the same author and clientId twice stores one message and one event", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = repo(store);
    const first = await messages.createMessage(
      roomId,
      msg(ALICE, "hello", "c-1"),
    );
    store.clock.advance(5_000);
    const before = await allEntries(store.kv);
    const again = await messages.createMessage(
      roomId,
      msg(ALICE, "hello!", "c-1"),
    );
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.deepEqual(again.message, first.message);
    assert.deepEqual(await allEntries(store.kv), before);
    assert.equal((await messages.getRoomHead(roomId))?.seq, 1);
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - a clientId is forgotten after a day, even before KV expires it", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = repo(store);
    await messages.createMessage(roomId, msg(ALICE, "one", "c-1"));
    store.clock.advance(CLIENT_ID_TTL_MS - 1);
    const retry = await messages.createMessage(roomId, msg(ALICE, "x", "c-1"));
    assert.equal(retry.created, false);
    store.clock.advance(1);
    const later = await messages.createMessage(
      roomId,
      msg(ALICE, "two", "c-1"),
    );
    assert.equal(later.created, true);
    assert.equal(later.message.seq, 2);
    assert.equal(later.message.text, "two");
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - a retried clientId racing across two repositories still stores one", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const a = repo(store);
    const b = repo(store);
    const results = await Promise.all(
      range(1, 10).map((i) =>
        (i % 2 ? a : b).createMessage(roomId, msg(ALICE, "once", "same-id"))
      ),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.message.id)).size, 1);
    assert.equal((await a.getRoomHead(roomId))?.seq, 1);
    assert.equal((await roomEvents(store, roomId)).length, 1);
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - another author with the same clientId makes a new message", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = repo(store);
    const mine = await messages.createMessage(roomId, msg(ALICE, "hi", "c-1"));
    const theirs = await messages.createMessage(roomId, msg(BOB, "hi", "c-1"));
    assert.equal(theirs.created, true);
    assert.notEqual(theirs.message.id, mine.message.id);
    assert.equal(theirs.message.seq, 2);
    assert.deepEqual(theirs.message.author, BOB);
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - an unknown room is 404 and writes nothing", async () => {
  const store = await openTestStore();
  try {
    const messages = repo(store);
    await assert.rejects(
      messages.createMessage("NO_ROOM", msg(ALICE, "hi", "c-1")),
      { status: 404, code: "not_found" },
    );
    assert.deepEqual(await allEntries(store.kv), []);
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - message, event, head, clientId record and category index in one commit", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = repo(store);
    store.clock.advance(1_000);
    const { message } = await messages.createMessage(
      roomId,
      msg(BOB, "yo", "c-9", { category: "networking" }),
    );
    assert.equal(message.createdAt, store.clock.now());
    assert.deepEqual(message, {
      id: message.id,
      roomId,
      seq: 1,
      author: BOB,
      text: "yo",
      clientId: "c-9",
      createdAt: store.clock.now(),
      category: "networking",
      threadRoot: null,
      replyCount: 0,
      lastReplyAt: null,
      editedAt: null,
      deleted: false,
      pinned: false,
      reactions: [],
      mentions: [],
      editSeqs: [],
      n: 1,
    });
    const head = (await messages.getRoomHead(roomId))!;
    const entries = await store.kv.getMany<unknown[]>([
      keys.message(roomId, 1),
      keys.roomEvent(roomId, 1),
      keys.roomHead(roomId),
      keys.messageByClientId(roomId, BOB.id, "c-9"),
      keys.messageByCategory(roomId, "networking", 1),
      keys.readMark(roomId, BOB.id),
    ]);
    assert.deepEqual(entries.map((e) => e.value), [
      message,
      {
        kind: "message.new",
        message,
        roomId,
        seq: 1,
        at: store.clock.now(),
        expiresAt: store.clock.now() + createRoomLog(store).retentionMs,
      },
      {
        seq: 1,
        lastMessageAt: store.clock.now(),
        epoch: head.epoch,
        messageCount: 1,
        lastMessageSeq: 1,
      },
      { seq: 1, expiresAt: store.clock.now() + CLIENT_ID_TTL_MS },
      1,
      // Sending reads up to one's own message, in the same commit.
      { seq: 1, n: 1, at: store.clock.now() },
    ]);
    assert.equal(new Set(entries.map((e) => e.versionstamp)).size, 1);
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - a reply joins the root's thread: message.new then thread.updated, one commit", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = repo(store);
    const { message: root } = await messages.createMessage(
      roomId,
      msg(ALICE, "root", "r"),
    );
    store.clock.advance(1_000);
    const { message: reply } = await messages.createMessage(
      roomId,
      msg(BOB, "reply", "a", { threadRoot: root.seq }),
    );
    // A reply to a reply goes to the same root.
    store.clock.advance(1_000);
    const { message: deeper } = await messages.createMessage(
      roomId,
      msg(ALICE, "deeper", "b", { threadRoot: reply.seq }),
    );
    assert.deepEqual([reply.seq, deeper.seq], [2, 4]);
    assert.equal(reply.threadRoot, root.seq);
    assert.equal(deeper.threadRoot, root.seq);
    const events = await roomEvents(store, roomId);
    assert.deepEqual(
      events.map((e) => [e.seq, e.kind]),
      [
        [1, "message.new"],
        [2, "message.new"],
        [3, "thread.updated"],
        [4, "message.new"],
        [5, "thread.updated"],
      ],
    );
    assert.deepEqual(
      events.filter((e) => e.kind === "thread.updated").map((e) =>
        e.kind === "thread.updated" && [e.rootSeq, e.replyCount, e.lastReplyAt]
      ),
      [[1, 1, reply.createdAt], [1, 2, deeper.createdAt]],
    );
    const stored = await messages.getMessage(roomId, root.seq);
    assert.equal(stored?.replyCount, 2);
    assert.equal(stored?.lastReplyAt, deeper.createdAt);
    assert.equal(stored?.text, "root");
    const thread = await messages.listThread(roomId, root.seq, 0, 10);
    assert.deepEqual(seqs(thread.items), [2, 4]);
    assert.equal(thread.cursor, null);
    // Both of the reply's events, the root and the thread index share one commit.
    const stamps = await store.kv.getMany([
      keys.roomEvent(roomId, 4),
      keys.roomEvent(roomId, 5),
      keys.message(roomId, 1),
      keys.message(roomId, 4),
      keys.threadReply(roomId, 1, 4),
    ]);
    assert.equal(new Set(stamps.map((e) => e.versionstamp)).size, 1);
    // Replies are ordinary timeline messages too.
    const timeline = await messages.listMessages(roomId, { limit: 10 });
    assert.deepEqual(seqs(timeline.items), [1, 2, 4]);
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - a reply to an unknown message is 404, to a deleted one 409, writing nothing", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const log = createRoomLog(store);
    const messages = createMessages(store, log);
    const { message: root } = await messages.createMessage(
      roomId,
      msg(ALICE, "root", "r"),
    );
    await createMessageActions(store, log).deleteMessage(
      roomId,
      root.seq,
      () => {},
    );
    const before = await allEntries(store.kv);
    await assert.rejects(
      messages.createMessage(roomId, msg(BOB, "x", "a", { threadRoot: 99 })),
      { status: 404 },
    );
    await assert.rejects(
      messages.createMessage(roomId, msg(BOB, "x", "b", { threadRoot: 1 })),
      { status: 409, code: "message_deleted" },
    );
    assert.deepEqual(await allEntries(store.kv), before);
  } finally {
    store.kv.close();
  }
});

Deno.test("createMessage - mentions notify each member once on their own stream, never the author", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = repo(store);
    const others = range(1, 7).map((i) => `U${i}`);
    const { message } = await messages.createMessage(
      roomId,
      msg(ALICE, "hey all", "c", {
        mentions: [ALICE.id, BOB.id, BOB.id, ...others],
      }),
    );
    // Deduplicated, the author left out, at most five.
    assert.deepEqual(message.mentions, [BOB.id, "U1", "U2", "U3", "U4"]);
    for (const id of message.mentions) {
      const head = await store.kv.get<{ seq: number }>(keys.userHead(id));
      const event = await store.kv.get(keys.userEvent(id, 1));
      assert.equal(head.value?.seq, 1, id);
      assert.deepEqual(
        (event.value as { notification: unknown }).notification,
        {
          kind: "mention",
          roomId,
          messageSeq: message.seq,
          from: ALICE,
        },
      );
      // In the same commit as the message.
      assert.equal(
        event.versionstamp,
        (await store.kv.get(keys.roomEvent(roomId, 1))).versionstamp,
      );
    }
    for (const id of [ALICE.id, "U5", "U6", "U7"]) {
      assert.equal((await store.kv.get(keys.userHead(id))).value, null, id);
    }
    // A second mention takes the next seq of the same stream.
    await messages.createMessage(
      roomId,
      msg(ALICE, "again", "d", { mentions: [BOB.id] }),
    );
    const bob = await store.kv.get<{ seq: number; epoch: string }>(
      keys.userHead(BOB.id),
    );
    assert.equal(bob.value?.seq, 2);
  } finally {
    store.kv.close();
  }
});

Deno.test("listMessages - pages backward from the newest with before-cursors", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = repo(store);
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
    const messages = repo(store);
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

Deno.test("listMessages - cursors page across the gaps other events leave in message seqs", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const log = createRoomLog(store);
    const messages = createMessages(store, log);
    const actions = createMessageActions(store, log);
    const sent: number[] = [];
    for (let i = 1; i <= 12; i++) {
      const { message } = await messages.createMessage(
        roomId,
        msg(ALICE, `m${i}`, `c${i}`),
      );
      sent.push(message.seq);
      // Every other message is followed by a reaction, which takes a seq of its own.
      if (i % 2) {
        await actions.setReaction(
          roomId,
          message.seq,
          BOB.id,
          "👍",
          true,
          () => {},
        );
      }
    }
    assert.deepEqual(sent, [1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18]);
    const back: number[] = [];
    let page = await messages.listMessages(roomId, { limit: 5 });
    back.unshift(...seqs(page.items));
    while (page.cursor) {
      page = await messages.listMessages(roomId, {
        before: Number(page.cursor),
        limit: 5,
      });
      back.unshift(...seqs(page.items));
    }
    assert.deepEqual(back, sent);
    const forward: number[] = [];
    let after = 0;
    for (;;) {
      const p = await messages.listMessages(roomId, { after, limit: 5 });
      forward.push(...seqs(p.items));
      if (!p.cursor) break;
      after = Number(p.cursor);
    }
    assert.deepEqual(forward, sent);
  } finally {
    store.kv.close();
  }
});

Deno.test("listMessages - a category lists only its messages, paged by the index", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = repo(store);
    const networking: number[] = [];
    for (let i = 1; i <= 9; i++) {
      const category = i % 3 === 0 ? "networking" : "social";
      const { message } = await messages.createMessage(
        roomId,
        msg(ALICE, `m${i}`, `c${i}`, { category }),
      );
      if (category === "networking") networking.push(message.seq);
    }
    const newest = await messages.listMessages(roomId, {
      category: "networking",
      limit: 2,
    });
    assert.deepEqual(seqs(newest.items), networking.slice(1));
    assert.ok(newest.items.every((m) => m.category === "networking"));
    const older = await messages.listMessages(roomId, {
      category: "networking",
      before: Number(newest.cursor),
      limit: 2,
    });
    assert.deepEqual(seqs(older.items), networking.slice(0, 1));
    assert.equal(older.cursor, null);
    assert.deepEqual(
      await messages.listMessages(roomId, {
        category: "announcement",
        limit: 5,
      }),
      { items: [], cursor: null },
    );
  } finally {
    store.kv.close();
  }
});

Deno.test("listMessages - stays inside its room and caps a page at MESSAGE_PAGE_MAX", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const otherId = await newRoom(store);
    const messages = repo(store);
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

Deno.test("getMessages - by seq in the order given, leaving out missing ones", async () => {
  const store = await openTestStore();
  try {
    const roomId = await newRoom(store);
    const messages = repo(store);
    await fill(messages, roomId, 12);
    const got = await messages.getMessages(roomId, [12, 3, 99, 11, 1]);
    assert.deepEqual(seqs(got), [12, 3, 11, 1]);
    assert.deepEqual(got.map((m) => m.text), ["m12", "m3", "m11", "m1"]);
  } finally {
    store.kv.close();
  }
});
