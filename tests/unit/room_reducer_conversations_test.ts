import assert from "node:assert/strict";
import {
  ROOM_EVENT_TYPES,
  type RoomEventFrame,
} from "../../lib/shared/protocol.ts";
import { frameToOutcome } from "../../islands/room_frames.ts";
import { type RoomAction, roomReducer } from "../../islands/room_reducer.ts";
import { typingPeople } from "../../islands/room_select.ts";
import {
  initialRoomState,
  type RoomInit,
  type RoomState,
} from "../../islands/room_state.ts";
import { ANN, BEN, CARA, msg, newFrame, ROOM } from "./room_fixtures.ts";

const EPOCH = "e1";

function fresh(over: Partial<RoomInit> = {}): RoomState {
  return initialRoomState({
    roomId: ROOM,
    me: ANN.id,
    name: "Group",
    memberCount: 2,
    items: [],
    cursor: null,
    head: { seq: 0, epoch: EPOCH },
    ...over,
  });
}

const run = (s: RoomState, actions: RoomAction[]) =>
  actions.reduce(roomReducer, s);
const events = (frames: RoomEventFrame[]): RoomAction[] =>
  frames.map((frame) => ({ type: "event", frame }));

const withMembers = (over: Partial<RoomInit> = {}) =>
  run(fresh({ kind: "group", role: "owner", ...over }), [{
    type: "members",
    items: [{ ...ANN, role: "owner" }, { ...BEN, role: "member" }],
  }]);

/** One frame of every room event kind, numbered from `seq`. */
function oneOfEach(seq: number): RoomEventFrame[] {
  const frames: RoomEventFrame[] = [
    newFrame(msg(seq)),
    { type: "message.edited", room: ROOM, seq: seq + 1, message: msg(seq) },
    {
      type: "message.deleted",
      room: ROOM,
      seq: seq + 2,
      message: { ...msg(seq), deleted: true, text: "" },
    },
    {
      type: "reaction.updated",
      room: ROOM,
      seq: seq + 3,
      messageSeq: seq,
      emoji: "👍",
      userId: BEN.id,
      on: true,
      reactions: [],
    },
    {
      type: "pin.updated",
      room: ROOM,
      seq: seq + 4,
      messageSeq: seq,
      pinned: false,
      by: ANN.id,
    },
    {
      type: "thread.updated",
      room: ROOM,
      seq: seq + 5,
      rootSeq: seq,
      replyCount: 0,
      lastReplyAt: null,
    },
    {
      type: "member.joined",
      room: ROOM,
      seq: seq + 6,
      user: CARA,
      memberCount: 3,
      role: "member",
      by: ANN.id,
    },
    {
      type: "member.role",
      room: ROOM,
      seq: seq + 7,
      userId: CARA.id,
      role: "admin",
      by: ANN.id,
    },
    {
      type: "member.left",
      room: ROOM,
      seq: seq + 8,
      userId: CARA.id,
      memberCount: 2,
      by: ANN.id,
      reason: "removed",
    },
    { type: "request.accepted", room: ROOM, seq: seq + 9, by: BEN.id },
    {
      type: "room.updated",
      room: ROOM,
      seq: seq + 10,
      name: "Renamed",
      description: "",
    },
  ];
  return frames;
}

Deno.test("room reducer conversations - every event kind advances the cursor, one seq at a time", () => {
  const samples = oneOfEach(1);
  const known = new Set<string>(samples.map((f) => f.type));
  assert.ok(known.has("member.role") && known.has("request.accepted"));
  // Kinds without a sample here (added later) still have a type, a room and a seq.
  const bare = ROOM_EVENT_TYPES.filter((t) => !known.has(t)).map((type, i) =>
    ({ type, room: ROOM, seq: samples.length + 1 + i }) as RoomEventFrame
  );
  const frames = [...samples, ...bare];
  assert.deepEqual(
    new Set(frames.map((f) => f.type)),
    new Set(ROOM_EVENT_TYPES),
  );
  let s = withMembers();
  for (const f of frames) {
    s = roomReducer(s, { type: "event", frame: f });
    assert.equal(s.cursor, f.seq, `${f.type} moves the cursor to its seq`);
  }
  // A later frame is applied next, not held behind a kind the reducer skipped.
  const next = frames.length + 1;
  s = roomReducer(s, { type: "event", frame: newFrame(msg(next)) });
  assert.equal(s.cursor, next);
  assert.deepEqual(s.held, []);
});

Deno.test("room reducer conversations - member.joined keeps the role the member joined with", () => {
  const s = run(
    withMembers(),
    events([
      {
        type: "member.joined",
        room: ROOM,
        seq: 1,
        user: CARA,
        memberCount: 3,
        role: "admin",
        by: ANN.id,
      },
    ]),
  );
  assert.deepEqual(s.members?.find((m) => m.id === CARA.id), {
    ...CARA,
    role: "admin",
  });
  const plain = run(
    withMembers(),
    events([
      { type: "member.joined", room: ROOM, seq: 1, user: CARA, memberCount: 3 },
    ]),
  );
  assert.equal(plain.members?.find((m) => m.id === CARA.id)?.role, "member");
});

Deno.test("room reducer conversations - member.role changes the member's badge and, for me, my own role", () => {
  let s = withMembers({ role: "member" });
  s = run(
    s,
    events([
      {
        type: "member.role",
        room: ROOM,
        seq: 1,
        userId: BEN.id,
        role: "admin",
        by: ANN.id,
      },
    ]),
  );
  assert.deepEqual(s.members?.map((m) => [m.id, m.role]), [
    [ANN.id, "owner"],
    [BEN.id, "admin"],
  ]);
  assert.equal(s.role, "member", "someone else's change leaves mine");
  s = run(
    s,
    events([
      {
        type: "member.role",
        room: ROOM,
        seq: 2,
        userId: ANN.id,
        role: "admin",
        by: BEN.id,
      },
    ]),
  );
  assert.equal(s.role, "admin");
  assert.equal(s.members?.find((m) => m.id === ANN.id)?.role, "admin");
  assert.equal(s.cursor, 2);
});

Deno.test("room reducer conversations - member.role before the member list loaded still moves my role", () => {
  const s = run(
    fresh({ kind: "group", role: "member" }),
    events([
      {
        type: "member.role",
        room: ROOM,
        seq: 1,
        userId: ANN.id,
        role: "owner",
        by: BEN.id,
      },
    ]),
  );
  assert.equal(s.members, null);
  assert.equal(s.role, "owner");
});

Deno.test("room reducer conversations - request.accepted clears the request on both sides, even out of order", () => {
  for (const request of ["incoming", "outgoing"] as const) {
    const start = fresh({ kind: "direct", request });
    assert.equal(start.request, request);
    const accepted: RoomEventFrame = {
      type: "request.accepted",
      room: ROOM,
      seq: 2,
      by: BEN.id,
    };
    // The acceptance arrives before the message ahead of it: it waits, then applies.
    let s = run(start, events([accepted]));
    assert.equal(s.request, request, "held behind the gap");
    assert.deepEqual(s.held.map((f) => f.seq), [2]);
    s = run(s, events([newFrame(msg(1))]));
    assert.equal(s.request, null);
    assert.equal(s.cursor, 2);
    assert.deepEqual(s.held, []);
  }
});

Deno.test("room reducer conversations - accepting here clears the request at once; the event after it changes nothing", () => {
  const start = fresh({ kind: "direct", request: "incoming" });
  let s = run(start, [{ type: "requestAnswered" }]);
  assert.equal(s.request, null);
  assert.equal(s.cursor, 0, "a local answer is not an event");
  assert.equal(roomReducer(s, { type: "requestAnswered" }), s, "no-op");
  s = run(
    s,
    events([
      { type: "request.accepted", room: ROOM, seq: 1, by: ANN.id },
    ]),
  );
  assert.equal(s.request, null);
  assert.equal(s.cursor, 1);
});

Deno.test("room reducer conversations - a room starts as a proximity room with no request unless told", () => {
  const s = fresh();
  assert.deepEqual([s.kind, s.role, s.request], ["proximity", "member", null]);
});

Deno.test("room reducer conversations - a refused send keeps the server's code until it is retried", () => {
  const pending = {
    clientId: "c1",
    text: "second message",
    createdAt: "2026-01-01T12:00:00.000Z",
    threadRoot: null,
    category: "social" as const,
    state: "sending" as const,
  };
  let s = run(fresh({ kind: "direct", request: "outgoing" }), [
    { type: "send", pending },
  ]);
  const frame = {
    type: "error" as const,
    code: "request_pending",
    message: "Wait until they accept your message request",
    clientId: "c1",
  };
  const out = frameToOutcome(s, frame, 0);
  assert.ok(out && "action" in out);
  s = roomReducer(s, out.action);
  assert.deepEqual(
    [s.pending[0].state, s.pending[0].code, s.pending[0].error],
    ["failed", "request_pending", frame.message],
  );
  s = roomReducer(s, { type: "retry", clientId: "c1" });
  assert.deepEqual([s.pending[0].state, s.pending[0].code], [
    "sending",
    undefined,
  ]);
});

Deno.test("room reducer conversations - once accepted, a message refused as pending is no longer a lasting refusal", () => {
  const failed = (clientId: string, code: string) => ({
    clientId,
    text: clientId,
    createdAt: "2026-01-01T12:00:00.000Z",
    threadRoot: null,
    category: "social" as const,
    state: "failed" as const,
    error: "refused",
    code,
  });
  let s = run(fresh({ kind: "direct", request: "outgoing" }), [
    { type: "send", pending: failed("a", "request_pending") },
    { type: "send", pending: failed("b", "blocked") },
  ]);
  s = run(
    s,
    events([
      { type: "request.accepted", room: ROOM, seq: 1, by: BEN.id },
    ]),
  );
  assert.deepEqual(s.pending.map((p) => [p.clientId, p.state, p.code]), [
    ["a", "failed", undefined],
    ["b", "failed", "blocked"],
  ]);
});

Deno.test("room select - people I blocked are left out of the typing line", () => {
  const s = run(fresh(), [
    { type: "typing", user: BEN, now: 0 },
    { type: "typing", user: CARA, now: 0 },
  ]);
  assert.deepEqual(typingPeople(s).map((u) => u.id), [BEN.id, CARA.id]);
  assert.deepEqual(
    typingPeople(s, new Set([BEN.id])).map((u) => u.id),
    [CARA.id],
  );
});
