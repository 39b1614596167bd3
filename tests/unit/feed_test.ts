import assert from "node:assert/strict";
import { FEED_PAGE } from "../../lib/chat/room_feed.ts";
import { keys } from "../../lib/db/keys.ts";
import { createMembers } from "../../lib/db/members.ts";
import type { AuthorView } from "../../lib/shared/schemas.ts";
import {
  append,
  range,
  recorder,
  RETENTION_MS,
  ROOM,
  setup,
} from "../helpers/feed.ts";

Deno.test("log feed - subscribers at different cursors get every event once, in order, across pages", async () => {
  const { store, log, feed, spans } = await setup();
  try {
    const total = FEED_PAGE * 2 + 100;
    await append(log, total);
    const subs = [0, FEED_PAGE - 50, total - 100, total].map((c) =>
      recorder(c)
    );
    for (const r of subs) feed.add(r.sub);
    await subs[0].reached(total);
    // Pages are listed FEED_PAGE at most; a replay this long takes several.
    assert.ok(
      spans.every(([a, b]) => b - a <= FEED_PAGE),
      JSON.stringify(spans),
    );
    assert.ok(spans.length >= 3, JSON.stringify(spans));
    // More arrive in several commits while hints repeat: each still arrives once.
    await append(log, 300);
    for (let i = 0; i < 5; i++) feed.hint(total + 300);
    await append(log, 1);
    await Promise.all(subs.map((r) => r.reached(total + 301)));
    for (const [i, c] of [0, FEED_PAGE - 50, total - 100, total].entries()) {
      assert.deepEqual(
        subs[i].log.seqs,
        range(c + 1, total + 301),
        `from ${c}`,
      );
      assert.deepEqual(subs[i].log.resyncs, []);
    }
    // The frame is the event as the wire sends it.
    assert.deepEqual(JSON.parse(subs[0].log.items[0].text), {
      type: "room.updated",
      room: ROOM,
      seq: 1,
      name: "n0",
      description: "",
    });
  } finally {
    await feed.stop();
    store.kv.close();
  }
});

Deno.test("log feed - a refused delivery is offered again once resumed, without loss or repeats", async () => {
  const { store, log, feed } = await setup();
  try {
    const total = FEED_PAGE + 200;
    let backedUp = true;
    const slow = recorder(0, {
      refuse: (seq) => backedUp && seq >= FEED_PAGE - 10,
    });
    const fast = recorder(0);
    feed.add(slow.sub);
    feed.add(fast.sub);
    await append(log, total);
    // The refusing subscriber does not hold the other one back.
    await fast.reached(total);
    await slow.until(() => slow.log.refused.length > 0, "a refusal");
    assert.equal(slow.sub.cursor, FEED_PAGE - 11);
    assert.deepEqual(slow.log.seqs, range(1, FEED_PAGE - 11));
    // It drains: the session hints the feed (resume), and the feed offers the same event again.
    backedUp = false;
    feed.hint(0);
    await slow.reached(total);
    assert.deepEqual(slow.log.seqs, range(1, total));
    assert.deepEqual(fast.log.seqs, range(1, total));
    assert.ok(slow.log.refused.every((s) => s === FEED_PAGE - 10));
  } finally {
    await feed.stop();
    store.kv.close();
  }
});

Deno.test("log feed - a subscriber whose next event has expired is resynced to the head, never stalled", async () => {
  const { store, log, feed } = await setup();
  try {
    await append(log, 5);
    // Events 1..5 outlive their retention; KV has not removed them, only their time is up.
    store.clock.advance(RETENTION_MS + 1);
    await append(log, 3);
    const behind = recorder(2);
    const start = recorder(0);
    const live = recorder(5);
    for (const r of [behind, start, live]) feed.add(r.sub);
    await Promise.all([behind, start, live].map((r) => r.reached(8)));
    assert.deepEqual(behind.log.resyncs, [8]);
    assert.deepEqual(start.log.resyncs, [8]);
    assert.deepEqual(behind.log.seqs, []);
    // A subscriber whose next event is still held gets every event as usual.
    assert.deepEqual(live.log.seqs, [6, 7, 8]);
    assert.deepEqual(live.log.resyncs, []);
    // After a resync the subscriber follows the log again from the head.
    await append(log, 2);
    await Promise.all([behind, start, live].map((r) => r.reached(10)));
    assert.deepEqual(behind.log.seqs, [9, 10]);
    assert.deepEqual(live.log.seqs, [6, 7, 8, 9, 10]);
  } finally {
    await feed.stop();
    store.kv.close();
  }
});

Deno.test("log feed - an event the KV has already removed resyncs too", async () => {
  const { store, log, feed } = await setup();
  try {
    await append(log, 6);
    await store.kv.delete(keys.roomEvent(ROOM, 4));
    const r = recorder(1);
    feed.add(r.sub);
    await r.until(() => r.log.resyncs.length > 0, "resync");
    // 2 and 3 are held and delivered; 4 is gone, so the cursor jumps to the head.
    assert.deepEqual(r.log.seqs, [2, 3]);
    assert.deepEqual(r.log.resyncs, [6]);
    assert.equal(r.sub.cursor, 6);
  } finally {
    await feed.stop();
    store.kv.close();
  }
});

const user = (id: string): AuthorView => ({
  id,
  handle: id.toLowerCase(),
  displayName: id,
});

Deno.test("log feed - X's member.left ends X's subscriber joined before it, not one joined after", async () => {
  const { store, log, feed } = await setup();
  try {
    const members = createMembers(store, log);
    await members.addMember(ROOM, user("X")); // 1
    await members.addMember(ROOM, user("Y")); // 2
    const old = recorder(2, { userId: "X", joinSeq: 1 });
    const y = recorder(2, { userId: "Y", joinSeq: 2 });
    feed.add(old.sub);
    feed.add(y.sub);
    await members.deleteMember(ROOM, user("X")); // 3: ends `old`
    await members.addMember(ROOM, user("X")); // 4
    // Replays from 0 with X's current join (4): the leave at 3 is older, so it goes on.
    const rejoined = recorder(0, { userId: "X", joinSeq: 4 });
    feed.add(rejoined.sub);
    await old.until(() => old.log.ended, "old subscription ended");
    await rejoined.reached(4);
    assert.deepEqual(old.log.seqs, [3]);
    assert.equal(rejoined.log.ended, false);
    await members.deleteMember(ROOM, user("X")); // 5: ends `rejoined`
    await rejoined.until(() => rejoined.log.ended, "rejoined ended");
    await members.addMember(ROOM, user("Z")); // 6
    await y.reached(6);
    assert.deepEqual(rejoined.log.seqs, range(1, 5));
    assert.deepEqual(old.log.seqs, [3]);
    assert.deepEqual(y.log.seqs, range(3, 6));
    assert.equal(y.log.ended, false);
    // The feed has dropped both: only Y's subscriber remains.
    assert.equal(feed.remove(old.sub), 1);
  } finally {
    await feed.stop();
    store.kv.close();
  }
});

Deno.test("log feed - a stopped feed reads nothing more, whatever wakes it", async () => {
  const { store, log, feed, spans } = await setup();
  try {
    const r = recorder(0);
    feed.add(r.sub);
    await append(log, 2);
    await r.reached(2);
    await feed.stop();
    await feed.stop();
    await append(log, 2);
    const listed = spans.length;
    // A running feed lists synchronously on a wake-up (before its first await).
    feed.hint(4);
    feed.add(recorder(0).sub);
    assert.equal(spans.length, listed);
    assert.deepEqual(r.log.seqs, [1, 2]);
  } finally {
    store.kv.close();
  }
});
