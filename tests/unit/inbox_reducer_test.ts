import assert from "node:assert/strict";
import {
  type Activity,
  type InboxAction,
  inboxReducer,
  type InboxState,
  initialInboxState,
} from "../../islands/inbox_reducer.ts";
import {
  listRows,
  requestRows,
  totalUnread,
  type Viewing,
} from "../../islands/inbox_select.ts";
import type { InboxItem } from "../../lib/shared/inbox_schemas.ts";
import type { AuthorView } from "../../lib/shared/schemas.ts";
import { ANN, BEN, CARA, ulid } from "./room_fixtures.ts";

const DM = ulid(910);
const GROUP = ulid(911);
const NEAR = ulid(912);
const AWAY: Viewing = { open: null, visible: true };

const at = (minute: number) =>
  new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

/** An inbox item as GET /inbox returns it, Ann being the viewer. */
function item(roomId: string, over: Partial<InboxItem> = {}): InboxItem {
  return {
    roomId,
    kind: "direct",
    title: "Ben",
    peer: BEN,
    role: "member",
    memberCount: 2,
    unread: 0,
    seq: 5,
    lastMessageAt: at(0),
    activityAt: at(0),
    preview: {
      seq: 5,
      author: BEN,
      text: "hello",
      deleted: false,
    },
    request: null,
    ...over,
  };
}

function activity(
  room: string,
  seq: number,
  from: AuthorView = BEN,
  minute = 10,
): Activity {
  return { room, seq, at: at(minute), from, preview: `message ${seq}` };
}

function run(s: InboxState, ...actions: InboxAction[]): InboxState {
  return actions.reduce(inboxReducer, s);
}

/** Ann's inbox with a first page loaded. */
function loaded(items: InboxItem[], cursor: string | null = null) {
  return run(initialInboxState(ANN.id), {
    type: "page",
    first: true,
    items,
    cursor,
  });
}

const unreadOf = (s: InboxState, room: string, viewing = AWAY) =>
  [...listRows(s, viewing), ...requestRows(s, viewing)]
    .find((r) => r.roomId === room)?.unread;

Deno.test("inbox reducer - a message from someone else counts once and moves its room to the top", () => {
  let s = loaded([
    item(GROUP, { kind: "group", title: "Climbers", activityAt: at(5) }),
    item(DM, { unread: 2, activityAt: at(1) }),
  ]);
  assert.deepEqual(listRows(s, AWAY).map((r) => r.roomId), [GROUP, DM]);
  const a = activity(DM, 6);
  s = run(s, { type: "activity", activity: a, seen: false });
  const again = inboxReducer(s, { type: "activity", activity: a, seen: false });
  assert.equal(again, s, "a repeated frame changes nothing");
  const [top] = listRows(s, AWAY);
  assert.equal(top.roomId, DM);
  assert.equal(top.unread, 3);
  assert.deepEqual(top.last, {
    author: BEN,
    text: "message 6",
    deleted: false,
  });
  assert.equal(top.activityAt, at(10));
  assert.equal(totalUnread(s, AWAY), 3);
});

Deno.test("inbox reducer - my own messages, old ones and those to an open room on screen are not unread", () => {
  let s = loaded([item(DM, { unread: 1 })]);
  s = run(
    s,
    { type: "activity", activity: activity(DM, 6, ANN), seen: false },
    { type: "activity", activity: activity(DM, 5), seen: false },
    { type: "activity", activity: activity(DM, 4), seen: false },
  );
  assert.equal(unreadOf(s, DM), 1, "mine and seqs the item covers add nothing");
  assert.equal(listRows(s, AWAY)[0].last?.author.id, ANN.id);
  s = run(s, { type: "activity", activity: activity(DM, 7), seen: true });
  assert.equal(unreadOf(s, DM), 1, "a message read as it arrived adds nothing");
  const open: Viewing = { open: DM, visible: true };
  assert.equal(unreadOf(s, DM, open), 0, "the open room's badge stays clear");
  assert.equal(totalUnread(s, open), 0);
  assert.equal(listRows(s, open)[0].current, true);
  assert.equal(unreadOf(s, DM, { open: DM, visible: false }), 1);
});

Deno.test("inbox reducer - requests: incoming ones are listed apart and never counted; a reply answers mine", () => {
  let s = loaded([
    item(DM, { request: "incoming", unread: 1 }),
    item(GROUP, {
      kind: "direct",
      title: "Cara",
      peer: CARA,
      request: "outgoing",
    }),
  ]);
  s = run(s, { type: "activity", activity: activity(DM, 6), seen: false });
  assert.deepEqual(requestRows(s, AWAY).map((r) => r.roomId), [DM]);
  assert.equal(requestRows(s, AWAY)[0].unread, 0);
  assert.deepEqual(listRows(s, AWAY).map((r) => r.request), ["outgoing"]);
  assert.equal(totalUnread(s, AWAY), 0);
  s = run(s, {
    type: "activity",
    activity: activity(GROUP, 6, CARA),
    seen: false,
  });
  const [answered] = listRows(s, AWAY);
  assert.equal(answered.request, null, "Cara replying accepted my request");
  assert.equal(answered.unread, 1);
});

Deno.test("inbox reducer - a fetched item replaces the room but keeps messages that streamed in above it", () => {
  let s = loaded([item(DM)]);
  s = run(
    s,
    { type: "activity", activity: activity(DM, 6), seen: false },
    { type: "activity", activity: activity(DM, 7), seen: false },
  );
  assert.equal(unreadOf(s, DM), 2);
  // The refetch read the room after message 6 but before message 7.
  s = run(s, {
    type: "item",
    item: item(DM, { seq: 6, unread: 1 }),
    mode: "update",
    drops: 0,
  });
  assert.equal(unreadOf(s, DM), 2);
  // An older answer than what the room already shows cannot take it back.
  const stale = inboxReducer(s, {
    type: "page",
    first: true,
    items: [item(DM, { seq: 5, unread: 0 })],
    cursor: null,
  });
  assert.equal(unreadOf(stale, DM), 2);
  // Read elsewhere: the server's item says 0 up to seq 7.
  s = run(s, {
    type: "item",
    item: item(DM, { seq: 7, unread: 0 }),
    mode: "update",
    drops: 0,
  });
  assert.equal(unreadOf(s, DM), 0);
});

Deno.test("inbox reducer - unknown rooms: updates skip them, upserts add them, drops win over late fetches", () => {
  let s = loaded([item(DM)]);
  const known = s;
  s = run(s, { type: "activity", activity: activity(GROUP, 3), seen: false });
  assert.equal(s, known, "activity for an unknown room waits for its fetch");
  const group = item(GROUP, { kind: "group", title: "Climbers", unread: 1 });
  s = run(s, { type: "item", item: group, mode: "update", drops: 0 });
  assert.equal(s, known, "an update only refreshes rooms already shown");
  s = run(s, { type: "item", item: group, mode: "upsert", drops: 0 });
  assert.equal(unreadOf(s, GROUP), 1);

  // Deleted for me while a refetch was on its way: the late answer stays out.
  const dropsBefore = s.drops[DM] ?? 0;
  s = run(s, { type: "drop", room: DM });
  assert.equal(unreadOf(s, DM), undefined);
  s = run(s, {
    type: "item",
    item: item(DM),
    mode: "upsert",
    drops: dropsBefore,
  });
  assert.equal(unreadOf(s, DM), undefined);
  // A fetch started after the drop (a new message) brings it back.
  s = run(s, {
    type: "item",
    item: item(DM, { unread: 1 }),
    mode: "upsert",
    drops: s.drops[DM],
  });
  assert.equal(unreadOf(s, DM), 1);
});

Deno.test("inbox reducer - the total adds what the server counted outside the loaded pages", () => {
  // Everything loaded: the rows alone make the total, whatever the server said a moment ago.
  let s = run(loaded([item(DM, { unread: 2 })]), { type: "total", total: 5 });
  assert.equal(totalUnread(s, AWAY), 2);
  // More pages: the rest of the server's total belongs to rooms not loaded.
  s = run(
    loaded([
      item(DM, { unread: 2 }),
      item(NEAR, { kind: "proximity", request: null, unread: 1 }),
    ], "cursor-1"),
    { type: "total", total: 7 },
  );
  assert.equal(totalUnread(s, AWAY), 7);
  s = run(s, { type: "activity", activity: activity(DM, 6), seen: false });
  assert.equal(totalUnread(s, AWAY), 8);
  // Page two brings a room counted in the rest; the next total re-divides.
  s = run(s, {
    type: "page",
    first: false,
    items: [item(GROUP, { kind: "group", unread: 4 })],
    cursor: null,
  }, { type: "total", total: 8 });
  assert.equal(totalUnread(s, AWAY), 8);
  s = run(s, { type: "readAll" });
  assert.equal(totalUnread(s, AWAY), 0);
  assert.deepEqual(listRows(s, AWAY).map((r) => r.unread), [0, 0, 0]);
});

Deno.test("inbox reducer - the Conversations filter starts over and keeps proximity rooms out", () => {
  let s = loaded([item(DM), item(NEAR, { kind: "proximity" })]);
  s = run(s, { type: "drop", room: DM });
  s = run(s, { type: "filter", filter: "conversations" });
  assert.equal(s.loaded, false);
  assert.deepEqual(s.entries, {});
  assert.equal(s.drops[DM], 1, "drops survive a filter change");
  s = run(s, {
    type: "item",
    item: item(NEAR, { kind: "proximity" }),
    mode: "upsert",
    drops: 0,
  });
  assert.deepEqual(s.entries, {}, "a proximity room is not a conversation");
  assert.equal(inboxReducer(s, { type: "filter", filter: "conversations" }), s);
});
