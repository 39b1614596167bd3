import assert from "node:assert/strict";
import type { RoomEventFrame } from "../../lib/shared/protocol.ts";
import {
  formatInterval,
  formatUntil,
  heldPeople,
  memberNote,
  mutedUntil,
  nextLapse,
  standingNotice,
  viewerStanding,
} from "../../islands/moderation_select.ts";
import { type RoomAction, roomReducer } from "../../islands/room_reducer.ts";
import {
  initialRoomState,
  type RoomInit,
  type RoomState,
} from "../../islands/room_state.ts";
import { ANN, BEN, CARA, msg, newFrame, ROOM } from "./room_fixtures.ts";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const LATER = new Date(NOW + 3_600_000).toISOString();
const TOMORROW = new Date(NOW + 86_400_000).toISOString();
const PAST = new Date(NOW - 60_000).toISOString();

function fresh(over: Partial<RoomInit> = {}): RoomState {
  return initialRoomState({
    roomId: ROOM,
    me: ANN.id,
    name: "Square",
    memberCount: 3,
    items: [],
    cursor: null,
    head: { seq: 0, epoch: "e1" },
    ...over,
  });
}

/** A room event without its room and seq, which `apply` fills in. */
type Bare = RoomEventFrame extends infer F
  ? F extends RoomEventFrame ? Omit<F, "seq" | "room"> : never
  : never;

/** Applies frames numbered from the state's cursor + 1, in order. */
function apply(s: RoomState, frames: Bare[]) {
  return frames.reduce(
    (st, f, i) =>
      roomReducer(st, {
        type: "event",
        frame: { ...f, room: ROOM, seq: s.cursor + i + 1 } as RoomEventFrame,
      }),
    s,
  );
}

const run = (s: RoomState, actions: RoomAction[]) =>
  actions.reduce(roomReducer, s);

Deno.test("moderation ui state - member.muted mutes and unmutes live, by user", () => {
  let s = apply(fresh(), [
    { type: "member.muted", userId: BEN.id, until: LATER, by: ANN.id },
    { type: "member.muted", userId: ANN.id, until: LATER, by: CARA.id },
  ]);
  assert.deepEqual(s.mutedUntil, { [BEN.id]: LATER, [ANN.id]: LATER });
  assert.equal(s.cursor, 2);
  s = apply(s, [
    { type: "member.muted", userId: BEN.id, until: null, by: ANN.id },
  ]);
  assert.deepEqual(s.mutedUntil, { [ANN.id]: LATER });
  assert.equal(mutedUntil(s, ANN.id, NOW), LATER);
  assert.equal(mutedUntil(s, BEN.id, NOW), null);
});

Deno.test("moderation ui state - the raid shield's hold comes with member.joined and goes with member.admitted", () => {
  let s = apply(fresh(), [
    { type: "member.joined", user: BEN, memberCount: 2, held: true },
    { type: "member.joined", user: CARA, memberCount: 3 },
  ]);
  assert.deepEqual(s.heldMembers, [BEN.id]);
  s = apply(s, [{ type: "member.admitted", userId: BEN.id, by: ANN.id }]);
  assert.deepEqual(s.heldMembers, []);
  // Joining again unheld (the shield lowered meanwhile) clears an old hold too.
  s = apply(s, [
    { type: "member.joined", user: CARA, memberCount: 3, held: true },
    { type: "member.joined", user: CARA, memberCount: 3 },
  ]);
  assert.deepEqual(s.heldMembers, []);
});

Deno.test("moderation ui state - someone kicked or banned is no longer muted or held", () => {
  let s = apply(fresh(), [
    { type: "member.joined", user: BEN, memberCount: 2, held: true },
    { type: "member.muted", userId: BEN.id, until: LATER, by: ANN.id },
  ]);
  s = apply(s, [{
    type: "member.left",
    userId: BEN.id,
    memberCount: 1,
    by: ANN.id,
    reason: "banned",
  }]);
  assert.deepEqual(s.heldMembers, []);
  assert.deepEqual(s.mutedUntil, {});
  assert.equal(s.left, false, "it was someone else who left");
});

Deno.test("moderation ui state - room.updated sets slow mode only when it carries it", () => {
  let s = apply(fresh(), [{
    type: "room.updated",
    name: "Square",
    description: "",
    slowModeS: 30,
  }]);
  assert.equal(s.slowModeS, 30);
  s = apply(s, [{ type: "room.updated", name: "Big square", description: "" }]);
  assert.equal(s.slowModeS, 30, "a rename leaves slow mode alone");
  assert.equal(s.name, "Big square");
  s = apply(s, [{
    type: "room.updated",
    name: "Big square",
    description: "",
    slowModeS: 0,
  }]);
  assert.equal(s.slowModeS, 0);
});

Deno.test("moderation ui state - skipped advances the cursor and shows nothing", () => {
  let s = run(fresh(), [{ type: "event", frame: newFrame(msg(1)) }]);
  s = apply(s, [{ type: "skipped" }]);
  assert.equal(s.cursor, 2);
  assert.deepEqual(s.messages.map((m) => m.seq), [1]);
  // The next event applies at once instead of waiting behind a gap.
  s = run(s, [{ type: "event", frame: newFrame(msg(3)) }]);
  assert.deepEqual(s.messages.map((m) => m.seq), [1, 3]);
  assert.deepEqual(s.held, []);
});

Deno.test("moderation ui state - the member list's standing replaces what was known; the page's seeds the viewer's", () => {
  let s = run(fresh(), [{
    type: "myStanding",
    slowModeS: 10,
    mutedUntil: LATER,
    held: true,
  }]);
  assert.equal(s.slowModeS, 10);
  assert.deepEqual(s.mutedUntil, { [ANN.id]: LATER });
  assert.deepEqual(s.heldMembers, [ANN.id]);
  s = run(s, [{
    type: "standing",
    items: [
      { id: ANN.id, mutedUntil: null, held: false },
      { id: BEN.id, mutedUntil: LATER, held: false },
      { id: CARA.id, mutedUntil: null, held: true },
    ],
  }]);
  assert.deepEqual(s.mutedUntil, { [BEN.id]: LATER });
  assert.deepEqual(s.heldMembers, [CARA.id]);
  assert.equal(s.slowModeS, 10, "the member list says nothing of slow mode");
});

Deno.test("moderation ui state - a room starts from the viewer's standing at render", () => {
  const s = fresh({ slowModeS: 30, mutedUntil: LATER, held: false });
  assert.equal(s.slowModeS, 30);
  assert.deepEqual(s.mutedUntil, { [ANN.id]: LATER });
  assert.deepEqual(fresh().mutedUntil, {});
  assert.deepEqual(fresh({ held: true }).heldMembers, [ANN.id]);
});

Deno.test("moderation ui state - the viewer's standing: held, then muted, then slow mode for members only", () => {
  const base = fresh({ slowModeS: 30 });
  assert.deepEqual(viewerStanding(base, NOW), { kind: "slow", seconds: 30 });
  assert.equal(viewerStanding({ ...base, role: "admin" }, NOW), null);
  assert.equal(viewerStanding({ ...base, kind: "direct" }, NOW), null);
  const muted = { ...base, mutedUntil: { [ANN.id]: LATER } };
  assert.deepEqual(viewerStanding(muted, NOW), {
    kind: "muted",
    until: LATER,
  });
  // A lapsed mute no longer counts.
  assert.deepEqual(
    viewerStanding({ ...base, mutedUntil: { [ANN.id]: PAST } }, NOW),
    { kind: "slow", seconds: 30 },
  );
  assert.deepEqual(
    viewerStanding({ ...muted, heldMembers: [ANN.id] }, NOW),
    { kind: "held" },
  );
  assert.equal(viewerStanding(fresh(), NOW), null);
});

Deno.test("moderation ui state - the composer's notice says why, and only a mute or a hold locks it", () => {
  assert.deepEqual(
    standingNotice({ kind: "muted", until: LATER }, false, NOW),
    {
      text: "You are muted until 13:00 UTC.",
      locked: true,
    },
  );
  assert.deepEqual(
    standingNotice({ kind: "muted", until: TOMORROW }, false, NOW),
    { text: "You are muted until 2026-01-02 12:00 UTC.", locked: true },
  );
  assert.deepEqual(standingNotice({ kind: "slow", seconds: 30 }, false, NOW), {
    text: "Slow mode: one message every 30 s.",
    locked: false,
  });
  assert.deepEqual(standingNotice({ kind: "held" }, false, NOW), {
    text: "An admin must let you in before you can post.",
    locked: true,
  });
  assert.equal(standingNotice(null, false, NOW), null);
});

Deno.test("moderation ui state - intervals and times read naturally", () => {
  assert.deepEqual(
    [10, 30, 60, 90, 300, 3600].map(formatInterval),
    ["10 s", "30 s", "1 min", "90 s", "5 min", "1 h"],
  );
  assert.equal(formatUntil(LATER, false, NOW), "13:00 UTC");
});

Deno.test("moderation ui state - the member list notes who is held or muted, and when the next mute lapses", () => {
  const s = {
    ...fresh(),
    mutedUntil: { [BEN.id]: LATER, [CARA.id]: PAST, [ANN.id]: TOMORROW },
    heldMembers: [CARA.id],
  };
  assert.equal(memberNote(s, BEN.id, false, NOW), "muted until 13:00 UTC");
  assert.equal(memberNote(s, CARA.id, false, NOW), "held");
  assert.equal(memberNote(fresh(), BEN.id, false, NOW), "");
  assert.equal(nextLapse(s, NOW), Date.parse(LATER));
  assert.equal(nextLapse(fresh(), NOW), null);
  const people = new Map([[CARA.id, CARA]]);
  assert.deepEqual(
    heldPeople({ ...s, heldMembers: [CARA.id, BEN.id] }, people),
    [
      CARA,
      { id: BEN.id, handle: "", displayName: "Someone" },
    ],
  );
});
