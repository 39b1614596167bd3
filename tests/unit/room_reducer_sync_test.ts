import assert from "node:assert/strict";
import { type RoomAction, roomReducer } from "../../islands/room_reducer.ts";
import {
  initialRoomState,
  MAX_KEPT_MESSAGES,
  type PendingSend,
  type RoomState,
  TYPING_EXPIRES_MS,
} from "../../islands/room_state.ts";
import { ANN, BEN, CARA, msg, newFrame, ROOM } from "./room_fixtures.ts";

const run = (s: RoomState, actions: RoomAction[]) =>
  actions.reduce(roomReducer, s);
const ev = (seq: number, over = {}): RoomAction => ({
  type: "event",
  frame: newFrame(msg(seq, over)),
});
const page = (
  kind: "snapshot" | "reload" | "older",
  seqs: number[],
  head: number,
  epoch = "e1",
  cursor: string | null = null,
): RoomAction => ({
  type: "page",
  kind,
  page: { items: seqs.map((n) => msg(n)), cursor, head: { seq: head, epoch } },
});

function start(seqs: number[], head = seqs.at(-1) ?? 0): RoomState {
  return initialRoomState({
    roomId: ROOM,
    me: ANN.id,
    name: "Gate",
    memberCount: 2,
    items: seqs.map((n) => msg(n)),
    cursor: seqs.length ? String(seqs[0]) : null,
    head: { seq: head, epoch: "e1" },
  });
}

const seqs = (s: RoomState) => s.messages.map((m) => m.seq);

Deno.test("room reducer - subscribed at the cursor resumes; anything else waits for a snapshot", () => {
  const s = start([1, 2]);
  const ok = {
    type: "subscribed",
    seq: 2,
    epoch: "e1",
    recovered: true,
  } as const;
  assert.equal(roomReducer(s, ok), s);
  assert.equal(roomReducer(s, { ...ok, recovered: false }).syncing, true);
  assert.equal(roomReducer(s, { ...ok, epoch: "e2" }).syncing, true);
});

Deno.test("room reducer - snapshot reload replaces messages, moves the cursor to head and re-applies held frames", () => {
  let s = start([1, 2]);
  s = run(s, [
    { type: "subscribed", seq: 6, epoch: "e1", recovered: false },
    ev(7),
    ev(8),
    ev(6),
  ]);
  assert.deepEqual(seqs(s), [1, 2], "nothing applies while syncing");
  assert.deepEqual(s.held.map((f) => f.seq), [6, 7, 8]);
  s = run(s, [page("snapshot", [3, 5, 7], 7, "e1", "3")]);
  assert.equal(s.syncing, false);
  assert.equal(s.cursor, 8);
  assert.deepEqual(seqs(s), [3, 5, 7, 8]);
  assert.equal(s.older, "3");
  assert.deepEqual(s.held, []);
  s = run(s, [ev(8), ev(9)]);
  assert.deepEqual(seqs(s), [3, 5, 7, 8, 9]);
});

Deno.test("room reducer - a new epoch drops frames and the cursor of the old one", () => {
  let s = run(start([1, 2, 3]), [ev(5)]);
  s = run(s, [{ type: "subscribed", seq: 1, epoch: "e2", recovered: false }]);
  assert.deepEqual(s.held, []);
  s = run(s, [ev(2, { text: "new world" }), page("snapshot", [1], 1, "e2")]);
  assert.equal(s.epoch, "e2");
  assert.equal(s.cursor, 2);
  assert.deepEqual(s.messages.map((m) => m.text), ["message 1", "new world"]);
});

Deno.test("room reducer - a page fetched while frames arrived gets those frames replayed", () => {
  let s = start([1, 2]);
  const edit = {
    type: "message.edited",
    room: ROOM,
    seq: 4,
    message: { ...msg(2), text: "edited", editedAt: "t" },
  } as const;
  s = run(s, [ev(3), { type: "event", frame: edit }]);
  s = run(s, [page("reload", [1, 2], 2)]);
  assert.deepEqual(seqs(s), [1, 2, 3]);
  assert.equal(
    s.messages[1].text,
    "edited",
    "the page was older than the edit",
  );
  assert.equal(s.cursor, 4);
  s = run(s, [page("reload", [2, 3], 6)]);
  assert.equal(s.cursor, 4, "a newer page lets the frames up to it arrive");
  s = run(s, [ev(5), ev(6)]);
  assert.deepEqual(seqs(s), [2, 3, 5, 6]);
});

Deno.test("room reducer - older history is prepended and stops trimming until the reader follows again", () => {
  let s = start(Array.from({ length: 50 }, (_, i) => 451 + i));
  s = run(s, [
    page(
      "older",
      Array.from({ length: 450 }, (_, i) => i + 1),
      500,
      "e1",
      null,
    ),
  ]);
  assert.equal(s.messages.length, 500);
  assert.equal(s.older, null);
  s = run(s, [ev(501), ev(502)]);
  assert.equal(s.messages.length, 502, "history being read is not pulled away");
  s = run(s, [{ type: "follow" }]);
  assert.equal(s.messages.length, MAX_KEPT_MESSAGES);
  assert.equal(s.messages[0].seq, 3);
  assert.equal(s.older, "3");
});

Deno.test("room reducer - at most 500 messages are kept while following", () => {
  let s = start([]);
  for (let n = 1; n <= 620; n++) s = roomReducer(s, ev(n));
  assert.equal(s.messages.length, MAX_KEPT_MESSAGES);
  assert.equal(s.messages[0].seq, 121);
  assert.equal(s.older, "121");
  assert.equal(s.cursor, 620);
});

const pending = (clientId: string): PendingSend => ({
  clientId,
  text: "hi",
  createdAt: "2026-01-01T00:00:00.000Z",
  threadRoot: null,
  category: "social",
  state: "sending",
});

Deno.test("room reducer - message.ack settles a pending send by clientId and shows the message once", () => {
  let s = run(start([1]), [
    { type: "send", pending: pending("a") },
    { type: "send", pending: pending("b") },
  ]);
  s = run(s, [{
    type: "ack",
    message: msg(3, { author: ANN, clientId: "b" }),
  }]);
  assert.deepEqual(s.pending.map((p) => p.clientId), ["a"]);
  assert.deepEqual(seqs(s), [1, 3], "the ack may beat its message.new");
  s = run(s, [
    ev(2, { author: ANN, clientId: "a" }),
    ev(3, { author: ANN, clientId: "b" }),
  ]);
  assert.deepEqual(seqs(s), [1, 2, 3]);
  assert.deepEqual(s.pending, [], "message.new from me settles too");
  s = run(s, [{ type: "send", pending: pending("c") }, {
    type: "sendFailed",
    clientId: "c",
    error: "Too fast",
  }]);
  assert.deepEqual([s.pending[0].state, s.pending[0].error], [
    "failed",
    "Too fast",
  ]);
  s = run(s, [{ type: "retry", clientId: "c" }]);
  assert.equal(s.pending[0].state, "sending");
});

Deno.test("room reducer - typing expires after a quiet spell and a message from the typist clears it", () => {
  let s = run(start([]), [
    { type: "typing", user: BEN, now: 1000 },
    { type: "typing", user: CARA, now: 3000 },
    { type: "typing", user: ANN, now: 3000 },
  ]);
  assert.deepEqual(Object.keys(s.typing).sort(), [BEN.id, CARA.id]);
  s = run(s, [{ type: "tick", now: 1000 + TYPING_EXPIRES_MS }]);
  assert.deepEqual(Object.keys(s.typing), [CARA.id]);
  s = run(s, [ev(1, { author: CARA })]);
  assert.deepEqual(s.typing, {});
});

Deno.test("room reducer - presence replaces on state and merges on update; receipts only move forward", () => {
  const p = (userId: string, status: "online" | "away" | "offline") => ({
    userId,
    status,
    lastSeenAt: null,
  });
  let s = run(start([]), [
    { type: "presence", users: [p(BEN.id, "online")], online: 1, full: true },
    { type: "presence", users: [p(CARA.id, "away")], online: 2, full: false },
  ]);
  assert.deepEqual(Object.keys(s.presence).sort(), [BEN.id, CARA.id]);
  assert.equal(s.online, 2);
  s = run(s, [{
    type: "presence",
    users: [p(CARA.id, "online")],
    online: 1,
    full: true,
  }]);
  assert.deepEqual(Object.keys(s.presence), [CARA.id]);
  s = run(s, [
    { type: "receipts", marks: [{ userId: BEN.id, seq: 4 }] },
    { type: "receipt", userId: BEN.id, seq: 3 },
    { type: "receipt", userId: CARA.id, seq: 5 },
  ]);
  assert.deepEqual(s.receipts, { [BEN.id]: 4, [CARA.id]: 5 });
  // A snapshot read before a later receipt.update (it can arrive after it) lowers nothing.
  s = run(s, [{
    type: "receipts",
    marks: [{ userId: CARA.id, seq: 2 }, { userId: ANN.id, seq: 1 }],
  }]);
  assert.deepEqual(s.receipts, { [BEN.id]: 4, [CARA.id]: 5, [ANN.id]: 1 });
});
