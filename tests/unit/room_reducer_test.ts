import assert from "node:assert/strict";
import type { RoomEventFrame } from "../../lib/shared/protocol.ts";
import { type RoomAction, roomReducer } from "../../islands/room_reducer.ts";
import { initialRoomState, type RoomState } from "../../islands/room_state.ts";
import {
  ANN,
  BEN,
  CARA,
  msg,
  newFrame,
  ROOM,
  scenario,
  shuffled,
} from "./room_fixtures.ts";

const EPOCH = "e1";

function fresh(over: Partial<Parameters<typeof initialRoomState>[0]> = {}) {
  return initialRoomState({
    roomId: ROOM,
    me: ANN.id,
    name: "Gate",
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

/** The parts of the state a person can see, for comparing two histories. */
function visible(s: RoomState) {
  return {
    cursor: s.cursor,
    held: s.held.map((f) => f.seq),
    messages: s.messages,
    pins: s.pins.map((m) => m.seq),
    memberCount: s.memberCount,
    members: s.members,
    pending: s.pending,
  };
}

const withMembers = () =>
  run(fresh(), [{
    type: "members",
    items: [{ ...ANN, role: "owner" }, { ...BEN, role: "member" }],
  }]);

const inOrder = () => run(withMembers(), events(scenario()));

Deno.test("room reducer - frames in order build the state after each change", () => {
  const s = inOrder();
  assert.equal(s.cursor, 11);
  assert.deepEqual(s.messages.map((m) => m.seq), [1, 2, 4, 11]);
  const [root, tomb, reply] = s.messages;
  assert.deepEqual(root.reactions, [{ emoji: "👍", count: 1, by: [BEN.id] }]);
  assert.equal(root.replyCount, 1);
  assert.equal(root.pinned, true);
  assert.equal(tomb.deleted, true);
  assert.equal(tomb.text, "");
  assert.equal(reply.threadRoot, 1);
  assert.deepEqual(s.pins.map((m) => m.seq), [1]);
  assert.equal(s.memberCount, 2);
  assert.deepEqual(s.members?.map((m) => m.id), [ANN.id, BEN.id]);
});

Deno.test("room reducer - duplicated and replayed frames give the same state as in order", () => {
  const frames = scenario();
  const doubled = frames.flatMap((f) => [f, f]);
  const replayed = [...frames.slice(0, 6), ...frames, ...frames.slice(2)];
  const expected = visible(inOrder());
  assert.deepEqual(visible(run(withMembers(), events(doubled))), expected);
  assert.deepEqual(visible(run(withMembers(), events(replayed))), expected);
  const again = run(inOrder(), events(frames));
  assert.deepEqual(visible(again), expected);
});

Deno.test("room reducer - out-of-order frames are held until the gap fills", () => {
  const frames = scenario();
  let s = run(withMembers(), events([frames[0], frames[2], frames[3]]));
  assert.equal(s.cursor, 1, "seq 3 and 4 wait for seq 2");
  assert.deepEqual(s.held.map((f) => f.seq), [3, 4]);
  assert.deepEqual(s.messages.map((m) => m.seq), [1]);
  s = run(s, events([frames[1]]));
  assert.equal(s.cursor, 4);
  assert.deepEqual(s.held, []);
  const expected = visible(inOrder());
  for (let seed = 1; seed <= 25; seed++) {
    const order = shuffled([...frames, ...frames.slice(3, 8)], seed);
    assert.deepEqual(
      visible(run(withMembers(), events(order))),
      expected,
      `order ${order.map((f) => f.seq).join(",")}`,
    );
  }
});

Deno.test("room reducer - edits and deletes replace the message everywhere it is shown", () => {
  let s = run(withMembers(), events(scenario().slice(0, 7)));
  s = run(s, [{ type: "threadOpen", rootSeq: 1 }]);
  const edited = {
    ...msg(1, { author: ANN }),
    text: "new",
    editedAt: "x",
    pinned: true,
  };
  s = run(
    s,
    events([{ type: "message.edited", room: ROOM, seq: 8, message: edited }]),
  );
  assert.equal(s.messages[0].text, "new");
  assert.equal(s.pins[0].text, "new");
  assert.equal(s.thread?.root?.text, "new");
  assert.equal(
    s.messages[0].replyCount,
    0,
    "the event's state replaces, not merges",
  );
  const tomb = {
    ...edited,
    text: "",
    deleted: true,
    pinned: false,
    reactions: [],
  };
  s = run(
    s,
    events([{ type: "message.deleted", room: ROOM, seq: 9, message: tomb }]),
  );
  assert.equal(s.messages[0].deleted, true);
  assert.deepEqual(
    s.pins,
    [],
    "a tombstone that is no longer pinned leaves the pins",
  );
  assert.equal(s.thread?.root?.deleted, true);
});

Deno.test("room reducer - reaction summaries replace rather than add up", () => {
  const react = (seq: number, count: number): RoomEventFrame => ({
    type: "reaction.updated",
    room: ROOM,
    seq,
    messageSeq: 1,
    emoji: "🎉",
    userId: CARA.id,
    on: count > 0,
    reactions: count ? [{ emoji: "🎉", count, by: [CARA.id] }] : [],
  });
  let s = run(fresh(), events([newFrame(msg(1)), react(2, 1), react(2, 1)]));
  assert.deepEqual(s.messages[0].reactions, [{
    emoji: "🎉",
    count: 1,
    by: [CARA.id],
  }]);
  s = run(s, events([react(3, 0)]));
  assert.deepEqual(s.messages[0].reactions, []);
});

Deno.test("room reducer - pins follow pin.updated; an unknown message marks the pin list stale", () => {
  const pin = (
    seq: number,
    messageSeq: number,
    pinned: boolean,
  ): RoomEventFrame => ({
    type: "pin.updated",
    room: ROOM,
    seq,
    messageSeq,
    pinned,
    by: ANN.id,
  });
  let s = run(
    fresh(),
    events([
      newFrame(msg(1)),
      newFrame(msg(2)),
      pin(3, 1, true),
      pin(4, 2, true),
    ]),
  );
  assert.deepEqual(s.pins.map((m) => m.seq), [2, 1], "newest pin first");
  s = run(s, events([pin(5, 1, false)]));
  assert.deepEqual(s.pins.map((m) => m.seq), [2]);
  assert.equal(s.messages[0].pinned, false);
  s = run(s, events([pin(6, 77, true)]));
  assert.equal(s.pinsStale, true);
  s = run(s, [{
    type: "pins",
    items: [msg(77, { pinned: true }), { ...msg(2), pinned: true }],
  }]);
  assert.equal(s.pinsStale, false);
  assert.deepEqual(s.pins.map((m) => m.seq), [77, 2]);
});

Deno.test("room reducer - an open thread gets live replies and the root's reply count", () => {
  let s = run(fresh(), events([newFrame(msg(1))]));
  s = run(s, [{ type: "threadOpen", rootSeq: 1 }]);
  assert.equal(s.thread?.root?.seq, 1);
  const reply = msg(2, { threadRoot: 1 });
  s = run(
    s,
    events([newFrame(reply), {
      type: "thread.updated",
      room: ROOM,
      seq: 3,
      rootSeq: 1,
      replyCount: 1,
      lastReplyAt: reply.createdAt,
    }]),
  );
  assert.deepEqual(s.thread?.replies.map((m) => m.seq), [2]);
  assert.equal(s.thread?.root?.replyCount, 1);
  assert.equal(s.messages[0].replyCount, 1);
  const older = msg(1, { replyCount: 0 });
  s = run(s, [{
    type: "threadLoaded",
    root: older,
    items: [msg(2, { threadRoot: 1, text: "stale" })],
  }]);
  assert.equal(
    s.thread?.root?.replyCount,
    1,
    "what the frames brought is newer than the fetch",
  );
  assert.equal(s.thread?.replies[0].text, "message 2");
  assert.equal(s.thread?.loaded, true);
  s = run(s, [{ type: "threadClose" }]);
  assert.equal(s.thread, null);
});

Deno.test("room reducer - joins and leaves set the member count and list; my own leave ends the room", () => {
  let s = run(
    withMembers(),
    events([
      { type: "member.joined", room: ROOM, seq: 1, user: CARA, memberCount: 3 },
      { type: "member.joined", room: ROOM, seq: 1, user: CARA, memberCount: 3 },
    ]),
  );
  assert.equal(s.memberCount, 3);
  assert.deepEqual(s.members?.map((m) => [m.handle, m.role]), [
    ["ann", "owner"],
    ["ben", "member"],
    ["cara", "member"],
  ]);
  s = run(
    s,
    events([{
      type: "member.left",
      room: ROOM,
      seq: 2,
      userId: CARA.id,
      memberCount: 2,
    }]),
  );
  assert.equal(s.memberCount, 2);
  assert.equal(s.left, false);
  s = run(
    s,
    events([{
      type: "member.left",
      room: ROOM,
      seq: 3,
      userId: ANN.id,
      memberCount: 1,
    }]),
  );
  assert.equal(s.left, true);
});
