import assert from "node:assert/strict";
import { FRESH_MAX, HANDOVER_GRACE_MS } from "../../lib/chat/room_feed.ts";
import { toFeedItem } from "../../lib/chat/frames.ts";
import { keys } from "../../lib/db/keys.ts";
import type { Message, RoomEvent } from "../../lib/db/room_log.ts";
import { append, range, recorder, ROOM, setup } from "../helpers/feed.ts";
import { within } from "../helpers/ws.ts";

Deno.test("log feed - events a commit hands over reach live subscribers without a KV list", async () => {
  const { store, log, feed, spans } = await setup({
    handOver: true,
    watch: false,
  });
  try {
    const subs = [recorder(0), recorder(0)];
    for (const r of subs) feed.add(r.sub);
    for (let i = 0; i < 20; i++) await append(log, 1 + (i % 3));
    const total = 20 + 19; // 1, 2, 3, 1, 2, 3 … per commit: 7×(1+2+3) − 3
    await Promise.all(subs.map((r) => r.reached(total)));
    for (const r of subs) assert.deepEqual(r.log.seqs, range(1, total));
    // Every event came from memory: the log was never listed.
    assert.deepEqual(spans, []);
  } finally {
    await feed.stop();
    store.kv.close();
  }
});

Deno.test("log feed - a watch wake-up that comes before its commit's hand-over waits for it instead of listing the log", async () => {
  let reported = 0;
  let heard = () => {};
  const { store, log, feed, spans } = await setup({
    handedOver: true,
    onWatch: (v) => {
      reported = (v as { seq: number }).seq;
      heard();
    },
  });
  try {
    const r = recorder(0);
    feed.add(r.sub);
    for (let seq = 1; seq <= 5; seq++) {
      const { events } = await log.change(ROOM, [], () => ({
        result: 0,
        events: [{ kind: "room.updated", name: `n${seq}`, description: "" }],
      }));
      // The order a loaded server often sees: the watch first, then the hand-over.
      if (reported < seq) {
        await within(new Promise<void>((ok) => heard = ok), 5_000, "watch");
      }
      feed.hint(seq, events.map(toFeedItem));
      await r.reached(seq);
    }
    assert.deepEqual(r.log.seqs, range(1, 5));
    assert.deepEqual(spans, []);
  } finally {
    await feed.stop();
    store.kv.close();
  }
});

Deno.test("log feed - a commit whose hand-over never comes is listed from the log once the watch's grace ends", async () => {
  // Hand-overs expected (as on the hub's room feeds), but every one is lost.
  const { store, log, feed, spans } = await setup({ handedOver: true });
  try {
    const r = recorder(0);
    feed.add(r.sub);
    const started = performance.now();
    await append(log, 3);
    await r.reached(3);
    assert.deepEqual(r.log.seqs, [1, 2, 3]);
    assert.ok(spans.length > 0, "listed from KV");
    // It waited for the hand-over that never came, then read the log.
    assert.ok(performance.now() - started >= HANDOVER_GRACE_MS);
  } finally {
    await feed.stop();
    store.kv.close();
  }
});

Deno.test("log feed - a range the memory does not hold whole is listed from the log", async () => {
  const { store, log, feed, spans } = await setup({
    handOver: true,
    watch: false,
  });
  try {
    // Committed while nobody listened: passed by every subscriber, so forgotten.
    await append(log, 10);
    const late = recorder(0);
    feed.add(late.sub);
    await late.reached(10);
    assert.deepEqual(late.log.seqs, range(1, 10));
    assert.ok(spans.length > 0, "listed from KV");
    // Memory is bounded: a subscriber that stays behind does not make it grow past FRESH_MAX.
    let blocked = true;
    const stuck = recorder(10, { refuse: () => blocked });
    feed.add(stuck.sub);
    await append(log, FRESH_MAX + 50);
    await late.reached(10 + FRESH_MAX + 50);
    blocked = false;
    feed.hint(0);
    const last = 10 + FRESH_MAX + 50;
    await stuck.reached(last);
    assert.deepEqual(stuck.log.seqs, range(11, last));
    // The newest events were served from memory (the very objects the other subscriber got),
    // the oldest ones, evicted, were listed again from the log.
    const item = (r: typeof late, seq: number) =>
      r.log.items.find((i) => i.seq === seq);
    assert.ok(item(stuck, last) === item(late, last), "newest from memory");
    assert.ok(item(stuck, 11) !== item(late, 11), "evicted ones from the log");
    assert.deepEqual(item(stuck, 11), item(late, 11));
  } finally {
    await feed.stop();
    store.kv.close();
  }
});

/** A deleted message, as a message.deleted event carries it. */
const tombstone = (seq: number): Message => ({
  id: "M" + seq,
  roomId: ROOM,
  seq,
  author: { id: "U", handle: "u", displayName: "U" },
  text: "",
  clientId: "c" + seq,
  createdAt: 0,
  category: "social",
  threadRoot: null,
  replyCount: 0,
  lastReplyAt: null,
  editedAt: null,
  deleted: true,
  pinned: false,
  reactions: [],
  mentions: [],
  editSeqs: [],
});

Deno.test("log feed - after a delete rewrites the log, held copies are dropped and the log's are served", async () => {
  const { store, log, feed } = await setup({ handOver: true, watch: false });
  try {
    let backedUp = true;
    const slow = recorder(0, { refuse: () => backedUp });
    const fast = recorder(0);
    feed.add(slow.sub);
    feed.add(fast.sub);
    await append(log, 3);
    await fast.reached(3);
    await slow.until(() => slow.log.refused.length > 0, "a refusal");
    // A delete scrubs event 2 in the log in its own commit, then appends message.deleted.
    const e2 = (await store.kv.get<RoomEvent>(keys.roomEvent(ROOM, 2))).value!;
    await store.kv.set(keys.roomEvent(ROOM, 2), { ...e2, name: "scrubbed" });
    await log.change(ROOM, [], () => ({
      result: 0,
      events: [{
        kind: "message.deleted",
        message: tombstone(2),
      }],
    }));
    await fast.reached(4);
    backedUp = false;
    feed.hint(0);
    await slow.reached(4);
    assert.deepEqual(slow.log.seqs, [1, 2, 3, 4]);
    // The slow subscriber gets the log's rewritten copy, not the one held since the commit.
    assert.equal(JSON.parse(slow.log.items[1].text).name, "scrubbed");
    assert.equal(JSON.parse(fast.log.items[1].text).name, "n1");
  } finally {
    await feed.stop();
    store.kv.close();
  }
});
