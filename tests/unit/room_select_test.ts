import assert from "node:assert/strict";
import { frameToOutcome } from "../../islands/room_frames.ts";
import { roomReducer } from "../../islands/room_reducer.ts";
import {
  peopleIndex,
  seenBy,
  unseenCount,
  visibleMessages,
} from "../../islands/room_select.ts";
import { initialRoomState, type RoomState } from "../../islands/room_state.ts";
import { ANN, BEN, CARA, msg, newFrame, ROOM, ulid } from "./room_fixtures.ts";

function room(over: Partial<RoomState> = {}): RoomState {
  return {
    ...initialRoomState({
      roomId: ROOM,
      me: ANN.id,
      name: "Gate",
      memberCount: 3,
      items: [
        msg(1, { author: BEN }),
        msg(2, { author: ANN, category: "networking" }),
        msg(3, { author: CARA, category: "announcement" }),
      ],
      cursor: null,
      head: { seq: 3, epoch: "e1" },
    }),
    ...over,
  };
}

Deno.test("room select - the category filter keeps only that category", () => {
  assert.deepEqual(visibleMessages(room(), null).map((m) => m.seq), [1, 2, 3]);
  assert.deepEqual(
    visibleMessages(room(), "announcement").map((m) => m.seq),
    [3],
  );
});

Deno.test("room select - seen by lists who read my last message, only in small rooms", () => {
  const s = room({ receipts: { [BEN.id]: 3, [CARA.id]: 1, [ANN.id]: 3 } });
  assert.deepEqual(seenBy(s, peopleIndex(s)), { seq: 2, readers: [BEN] });
  const both = room({ receipts: { [BEN.id]: 2, [CARA.id]: 5 } });
  assert.deepEqual(seenBy(both, peopleIndex(both))?.readers, [BEN, CARA]);
  const stranger = room({ receipts: { [ulid(77)]: 2 } });
  assert.deepEqual(seenBy(stranger, new Map())?.readers, [
    { displayName: "someone" },
  ]);
  assert.equal(seenBy(room({ receipts: {} }), new Map()), null);
  const big = room({ memberCount: 500, receipts: { [BEN.id]: 3 } });
  assert.equal(seenBy(big, peopleIndex(big)), null);
});

Deno.test("room select - unseen counts only others' messages after the last seen seq", () => {
  const { messages } = room();
  assert.equal(unseenCount(messages, 0, ANN.id), 2);
  assert.equal(unseenCount(messages, 2, ANN.id), 1);
  assert.equal(unseenCount(messages, 3, ANN.id), 0);
});

Deno.test("room frames - every routed frame becomes the right action, notice or nothing", () => {
  const s = roomReducer(room(), {
    type: "send",
    pending: {
      clientId: "c9",
      text: "x",
      createdAt: "t",
      threadRoot: null,
      category: "social",
      state: "sending",
    },
  });
  const kind = (f: Parameters<typeof frameToOutcome>[1]) => {
    const out = frameToOutcome(s, f, 5);
    return out === null ? null : "notice" in out ? "notice" : out.action.type;
  };
  assert.equal(kind(newFrame(msg(4))), "event");
  assert.equal(
    kind({
      type: "subscribed",
      room: ROOM,
      seq: 3,
      epoch: "e1",
      recovered: true,
    }),
    "subscribed",
  );
  assert.equal(kind({ type: "typing", room: ROOM, user: BEN }), "typing");
  assert.equal(
    kind({ type: "presence.update", room: ROOM, changes: [], online: 1 }),
    "presence",
  );
  assert.equal(
    kind({ type: "receipt.update", room: ROOM, userId: BEN.id, seq: 2 }),
    "receipt",
  );
  assert.equal(
    kind({ type: "unsubscribed", room: ROOM, reason: "left" }),
    "left",
  );
  assert.equal(kind({ type: "unsubscribed", room: ROOM }), null);
  assert.equal(
    kind({
      type: "error",
      code: "rate_limited",
      message: "slow",
      clientId: "c9",
    }),
    "sendFailed",
  );
  assert.equal(
    kind({
      type: "error",
      code: "rate_limited",
      message: "slow",
      clientId: "other",
    }),
    null,
  );
  assert.equal(
    kind({ type: "error", code: "forbidden", message: "No", room: ROOM }),
    "notice",
  );
  assert.equal(kind({ type: "ack", ref: "r1", seq: 4 }), null);
});
