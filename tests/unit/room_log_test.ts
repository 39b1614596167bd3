import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import { createMembers } from "../../lib/db/members.ts";
import { createMessageActions } from "../../lib/db/message_actions.ts";
import { createMessages, type NewMessage } from "../../lib/db/messages.ts";
import {
  createRoomLog,
  type Message,
  type RoomEvent,
  type RoomHead,
} from "../../lib/db/room_log.ts";
import { getManyBatched } from "../../lib/db/store.ts";
import type { AuthorView } from "../../lib/shared/schemas.ts";
import {
  allEntries,
  dumpKv,
  openTestStore,
  type TestStore,
} from "../helpers/store.ts";

const ROOM = "ROOM";
const MINUTE = 60_000;

const author = (id: string): AuthorView => ({
  id,
  handle: id.toLowerCase(),
  displayName: id,
});

async function roomStore(): Promise<TestStore> {
  const store = await openTestStore();
  await store.kv.set(keys.roomHead(ROOM), {
    seq: 0,
    lastMessageAt: null,
    epoch: "e0",
  });
  return store;
}

const renamed = (name: string) => ({
  kind: "room.updated" as const,
  name,
  description: "",
});

async function storedEvents(store: TestStore) {
  const out: Deno.KvEntry<RoomEvent>[] = [];
  for await (
    const e of store.kv.list<RoomEvent>({
      prefix: keys.roomEventsPrefix(ROOM),
    })
  ) out.push(e);
  return out;
}

const head = async (store: TestStore) =>
  (await store.kv.get<RoomHead>(keys.roomHead(ROOM))).value!;

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

Deno.test("room log - change appends its events under the next seqs with its writes, in one commit", async () => {
  const store = await roomStore();
  try {
    const told: [string, number][] = [];
    const log = createRoomLog(store, {
      retentionMs: MINUTE,
      onAppend: (room, seq) => told.push([room, seq]),
    });
    await log.change(ROOM, [], () => ({
      result: 1,
      events: [renamed("a")],
    }));
    store.clock.advance(1_000);
    let given: number[] = [];
    const { result, events } = await log.change(
      ROOM,
      [],
      ({ nextSeq }) => ({
        result: nextSeq,
        events: [renamed("b"), renamed("c")],
        touch: true,
        mutate(op, seqs) {
          given = seqs;
          op.set(["side", "effect"], seqs);
        },
      }),
    );
    const now = store.clock.now();
    assert.equal(result, 2);
    assert.deepEqual(given, [2, 3]);
    assert.deepEqual(events, [
      {
        ...renamed("b"),
        roomId: ROOM,
        seq: 2,
        at: now,
        expiresAt: now + MINUTE,
      },
      {
        ...renamed("c"),
        roomId: ROOM,
        seq: 3,
        at: now,
        expiresAt: now + MINUTE,
      },
    ]);
    // A touching change's first event is its message: the head counts it and points at it.
    assert.deepEqual(await head(store), {
      seq: 3,
      lastMessageAt: now,
      epoch: "e0",
      messageCount: 1,
      lastMessageSeq: 2,
    });
    const stored = await storedEvents(store);
    assert.deepEqual(stored.map((e) => e.value.seq), [1, 2, 3]);
    assert.deepEqual(stored.slice(1).map((e) => e.value), events);
    const stamps = await store.kv.getMany([
      keys.roomEvent(ROOM, 2),
      keys.roomEvent(ROOM, 3),
      keys.roomHead(ROOM),
      ["side", "effect"],
    ]);
    assert.equal(new Set(stamps.map((e) => e.versionstamp)).size, 1);
    assert.deepEqual(told, [[ROOM, 1], [ROOM, 3]]);
  } finally {
    store.kv.close();
  }
});

Deno.test("room log - a change without touch keeps lastMessageAt; without events it wakes nobody; one that decides nothing writes nothing", async () => {
  const store = await roomStore();
  try {
    let told = 0;
    const log = createRoomLog(store, { onAppend: () => void told++ });
    await log.change(ROOM, [], () => ({
      result: 0,
      events: [renamed("a")],
      touch: true,
    }));
    const at = store.clock.now();
    store.clock.advance(5_000);
    await log.change(ROOM, [], () => ({ result: 0, events: [renamed("b")] }));
    assert.deepEqual(await head(store), {
      seq: 2,
      lastMessageAt: at,
      epoch: "e0",
      messageCount: 1,
      lastMessageSeq: 1,
    });
    // Writes without events move neither the head nor the fan-out.
    await log.change(ROOM, [], () => ({
      result: 0,
      events: [],
      mutate: (op) => void op.set(["quiet"], 1),
    }));
    assert.equal((await head(store)).seq, 2);
    const before = await allEntries(store.kv);
    const done = await log.change(ROOM, [], () => ({ done: "same" }));
    assert.deepEqual(done, { result: "same", events: [] });
    assert.deepEqual(await allEntries(store.kv), before);
    assert.equal(told, 2);
  } finally {
    store.kv.close();
  }
});

Deno.test("room log - a planner that throws, or an unknown room, writes nothing", async () => {
  const store = await roomStore();
  try {
    const log = createRoomLog(store);
    const before = await dumpKv(store.kv);
    await assert.rejects(
      log.change(ROOM, [], () => {
        throw new Error("refused");
      }),
      /refused/,
    );
    await assert.rejects(
      log.change("NOPE", [], () => ({ result: 0, events: [renamed("x")] })),
      { status: 404 },
    );
    assert.equal(await dumpKv(store.kv), before);
  } finally {
    store.kv.close();
  }
});

Deno.test("room log - a change whose checked entry moved re-reads and plans again", async () => {
  const store = await roomStore();
  try {
    const log = createRoomLog(store);
    await store.kv.set(["counter"], 1);
    const seen: number[] = [];
    await log.change(ROOM, [["counter"]], async ({ entries }) => {
      const n = entries[0].value as number;
      seen.push(n);
      // Another writer moves the counter (not the head) between our read and our commit.
      if (seen.length === 1) await store.kv.set(["counter"], 10);
      return {
        result: n,
        events: [renamed(`n=${n}`)],
        checks: [entries[0]],
        mutate: (op) => void op.set(["counter"], n + 1),
      };
    });
    assert.deepEqual(seen, [1, 10]);
    assert.equal((await store.kv.get(["counter"])).value, 11);
    const stored = await storedEvents(store);
    assert.deepEqual(
      stored.map((e) => e.value.kind === "room.updated" && e.value.name),
      ["n=10"],
    );
  } finally {
    store.kv.close();
  }
});

Deno.test("room log - listEventsBetween and canResumeFrom hide events past their expiresAt", async () => {
  const store = await roomStore();
  try {
    const log = createRoomLog(store, { retentionMs: MINUTE });
    for (let i = 1; i <= 4; i++) {
      await log.change(ROOM, [], () => ({ result: 0, events: [renamed("a")] }));
    }
    store.clock.advance(30_000);
    for (let i = 5; i <= 6; i++) {
      await log.change(ROOM, [], () => ({ result: 0, events: [renamed("b")] }));
    }
    const between = async (a: number, b: number) =>
      (await log.listEventsBetween(ROOM, a, b)).map((e) => e.seq);
    assert.deepEqual(await between(0, 6), range(1, 6));
    assert.deepEqual(await between(2, 5), [3, 4, 5]);
    assert.deepEqual(await between(6, 9), []);
    assert.equal(await log.canResumeFrom(ROOM, 0), true);
    assert.equal(await log.canResumeFrom(ROOM, 5), true);
    // Nothing after the head: resuming from it is the caller's business (no event to read).
    assert.equal(await log.canResumeFrom(ROOM, 6), false);
    // The first four expire here; KV has not removed them, so only the time check hides them.
    store.clock.advance(30_000);
    assert.equal((await storedEvents(store)).length, 6);
    assert.deepEqual(await between(0, 6), [5, 6]);
    assert.equal(await log.canResumeFrom(ROOM, 0), false);
    assert.equal(await log.canResumeFrom(ROOM, 3), false);
    assert.equal(await log.canResumeFrom(ROOM, 4), true);
  } finally {
    store.kv.close();
  }
});

/** Applies a log's events to an empty room: the messages they describe. */
function replay(events: RoomEvent[]) {
  const messages = new Map<number, Message>();
  const at = (seq: number) => {
    const m = messages.get(seq);
    assert.ok(m, `event about unknown message ${seq}`);
    return m;
  };
  let members = 0;
  for (const e of events) {
    switch (e.kind) {
      case "message.new":
      case "message.edited":
      case "message.deleted":
        messages.set(e.message.seq, e.message);
        break;
      case "reaction.updated":
        messages.set(e.messageSeq, {
          ...at(e.messageSeq),
          reactions: e.reactions,
        });
        break;
      case "pin.updated":
        messages.set(e.messageSeq, { ...at(e.messageSeq), pinned: e.pinned });
        break;
      case "thread.updated":
        messages.set(e.rootSeq, {
          ...at(e.rootSeq),
          replyCount: e.replyCount,
          lastReplyAt: e.lastReplyAt,
        });
        break;
      case "member.joined":
      case "member.left":
        assert.equal(
          e.memberCount,
          members + (e.kind === "member.joined" ? 1 : -1),
        );
        members = e.memberCount;
        break;
      case "room.updated":
        break;
    }
  }
  return {
    messages: [...messages.values()].sort((a, b) => a.seq - b.seq),
    members,
  };
}

/** The seq of the last event that changed each message. */
function lastTouch(events: RoomEvent[]) {
  const last = new Map<number, number>();
  for (const e of events) {
    if ("message" in e) last.set(e.message.seq, e.seq);
    else if ("messageSeq" in e) last.set(e.messageSeq, e.seq);
    else if (e.kind === "thread.updated") last.set(e.rootSeq, e.seq);
  }
  return last;
}

Deno.test("room log - concurrent sends, replies, edits, reactions, pins, joins and a delete from two repositories keep one gap-free order", async () => {
  const store = await roomStore();
  try {
    // Two isolates' worth of repositories: separate logs (and lanes) over one KV.
    const repos = [0, 1].map(() => {
      const log = createRoomLog(store);
      return {
        messages: createMessages(store, log),
        actions: createMessageActions(store, log),
        members: createMembers(store, log),
      };
    });
    const alice = author("ALICE");
    const send = (i: number, extra: Partial<NewMessage> = {}) =>
      repos[i % 2].messages.createMessage(ROOM, {
        author: alice,
        text: `text ${i}`,
        clientId: `c${i}`,
        category: "social",
        mentions: [],
        ...extra,
      });
    for (let i = 1; i <= 6; i++) await send(i);
    const ok = () => {};
    const ops: Promise<{ events: RoomEvent[] } | { message: Message }>[] = [];
    const emoji = ["👍", "🎉", "❤️", "😂", "🙈"];
    for (let i = 0; i < 40; i++) {
      const r = repos[i % 2];
      ops.push(send(100 + i, i % 5 === 0 ? { threadRoot: 1 + (i % 2) } : {}));
      if (i < 30) {
        ops.push(r.actions.editMessage(ROOM, 1 + (i % 4), `edit ${i}`, ok));
      }
      ops.push(
        r.actions.setReaction(
          ROOM,
          1 + (i % 5),
          `R${i % 7}`,
          emoji[i % 5],
          i % 9 !== 8,
          ok,
        ),
      );
      if (i < 10) {
        ops.push(
          r.members.addMember(ROOM, author(`J${i}`)).then(() => ({
            events: [],
          })),
        );
      }
      if (i % 8 === 0) {
        ops.push(r.actions.setPin(ROOM, 6, "ALICE", i % 16 === 0, ok));
      }
      if (i === 20) ops.push(r.actions.deleteMessage(ROOM, 5, ok));
    }
    const settled = await Promise.allSettled(ops);
    // Only actions on message 5 racing its delete may be refused, and only as 409.
    for (const s of settled) {
      if (s.status === "rejected") {
        assert.equal(
          (s.reason as { status?: number }).status,
          409,
          String(s.reason),
        );
      }
    }

    const { seq } = await head(store);
    const entries = await storedEvents(store);
    const events = entries.map((e) => e.value);
    assert.deepEqual(events.map((e) => e.seq), range(1, seq));
    const kinds = new Set(events.map((e) => e.kind));
    for (
      const k of [
        "message.new",
        "message.edited",
        "message.deleted",
        "reaction.updated",
        "pin.updated",
        "thread.updated",
        "member.joined",
      ]
    ) assert.ok(kinds.has(k as RoomEvent["kind"]), k);
    assert.equal(events.filter((e) => e.kind === "member.joined").length, 10);
    assert.equal(events.filter((e) => e.kind === "message.edited").length, 30);

    // The messages as stored are exactly what applying the log gives.
    const stored =
      (await repos[0].messages.listMessages(ROOM, { after: 0, limit: 200 }))
        .items;
    const replayed = replay(events);
    assert.equal(stored.length, 46);
    assert.deepEqual(stored, replayed.messages);
    assert.equal(replayed.members, 10);
    assert.equal((await store.kv.get(keys.roomMemberCount(ROOM))).value, 10);
    const deleted = stored.find((m) => m.seq === 5)!;
    assert.equal(deleted.deleted, true);

    // Each message was written by the commit that appended the last event about it.
    const stampOf = new Map(entries.map((e) => [e.value.seq, e.versionstamp]));
    const msgEntries = await getManyBatched(
      store.kv,
      stored.map((m) => keys.message(ROOM, m.seq)),
    );
    const last = lastTouch(events);
    stored.forEach((m, i) => {
      assert.equal(
        msgEntries[i].versionstamp,
        stampOf.get(last.get(m.seq)!),
        `message ${m.seq}`,
      );
    });
  } finally {
    store.kv.close();
  }
});
