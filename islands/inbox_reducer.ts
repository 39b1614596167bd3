import type { InboxItem } from "../lib/shared/inbox_schemas.ts";
import type { AuthorView } from "../lib/shared/schemas.ts";

/** What the inbox lists: every room, or direct and group conversations only. */
export type InboxFilter = "all" | "conversations";

/** One new message in one of my rooms, as an inbox.activity frame tells it. */
export type Activity = {
  room: string;
  seq: number;
  at: string;
  from: AuthorView;
  preview: string;
};

/** A streamed message above the REST item's seq, and whether it adds to the unread count. */
type Streamed = Activity & { counted: boolean };

/** A room as the server last described it, plus the messages that came over the socket since. */
export type InboxEntry = { base: InboxItem; streamed: Streamed[] };

/** Everything the inbox shows, kept by the pure reducer below. */
export type InboxState = {
  me: string;
  filter: InboxFilter;
  entries: Record<string, InboxEntry>;
  /** Where the next page starts; null when every room is loaded. */
  cursor: string | null;
  /** The first page has arrived. */
  loaded: boolean;
  /** Unread messages in rooms that are not loaded (from GET /inbox/unread). */
  outside: number;
  /** Bumped when a room is dropped, so a fetch started before the drop cannot bring it back. */
  drops: Record<string, number>;
};

/** How an individually fetched item lands: added if new, or only refreshing one shown. */
export type ItemMode = "upsert" | "update";

/** Every change to the inbox state. */
export type InboxAction =
  | { type: "filter"; filter: InboxFilter }
  | { type: "page"; items: InboxItem[]; cursor: string | null; first: boolean }
  | { type: "total"; total: number }
  | { type: "activity"; activity: Activity; seen: boolean }
  | { type: "item"; item: InboxItem; mode: ItemMode; drops: number }
  | { type: "drop"; room: string }
  | { type: "readAll" };

/** Streamed messages kept per room: far more than arrive between two fetches. */
const MAX_STREAMED = 100;

/** An empty inbox for the viewer `me`, waiting for its first page. */
export function initialInboxState(
  me: string,
  filter: InboxFilter = "all",
): InboxState {
  return {
    me,
    filter,
    entries: {},
    cursor: null,
    loaded: false,
    outside: 0,
    drops: {},
  };
}

/** Whether an item belongs in a list under `filter`. */
export function matchesFilter(item: InboxItem, filter: InboxFilter): boolean {
  return filter === "all" || item.kind !== "proximity";
}

/** A fresh base for a room, keeping only the streamed messages it does not cover yet. */
function rebase(prev: InboxEntry | undefined, base: InboxItem): InboxEntry {
  const streamed = (prev?.streamed ?? []).filter((s) => s.seq > base.seq);
  return { base, streamed };
}

/** The fresher of two descriptions of one room (the higher seq), with streamed messages merged. */
function newer(prev: InboxEntry | undefined, base: InboxItem): InboxEntry {
  if (prev && prev.base.seq > base.seq) return prev;
  return rebase(prev, base);
}

/** The unread count the server reported for the loaded rooms (requests aside). */
function loadedUnread(entries: Record<string, InboxEntry>): number {
  return Object.values(entries).reduce(
    (n, e) => n + (e.base.request === "incoming" ? 0 : e.base.unread),
    0,
  );
}

function applyPage(
  s: InboxState,
  a: Extract<InboxAction, { type: "page" }>,
): InboxState {
  const entries: Record<string, InboxEntry> = a.first ? {} : { ...s.entries };
  for (const item of a.items) {
    // What streamed in after the page was asked for stays; a page never overwrites a room
    // that a later fetch already brought further.
    entries[item.roomId] = newer(s.entries[item.roomId], item);
  }
  return { ...s, entries, cursor: a.cursor, loaded: true };
}

function applyActivity(s: InboxState, a: Activity, seen: boolean): InboxState {
  const entry = s.entries[a.room];
  if (!entry || a.seq <= entry.base.seq) return s;
  if (entry.streamed.some((x) => x.seq === a.seq)) return s;
  const counted = a.from.id !== s.me && !seen &&
    entry.base.request !== "incoming";
  const streamed = [...entry.streamed, { ...a, counted }]
    .sort((x, y) => x.seq - y.seq).slice(-MAX_STREAMED);
  return {
    ...s,
    entries: { ...s.entries, [a.room]: { ...entry, streamed } },
  };
}

function applyItem(
  s: InboxState,
  a: Extract<InboxAction, { type: "item" }>,
): InboxState {
  const room = a.item.roomId;
  if ((s.drops[room] ?? 0) !== a.drops) return s;
  const prev = s.entries[room];
  if (!prev && (a.mode === "update" || !matchesFilter(a.item, s.filter))) {
    return s;
  }
  return { ...s, entries: { ...s.entries, [room]: newer(prev, a.item) } };
}

function applyDrop(s: InboxState, room: string): InboxState {
  const drops = { ...s.drops, [room]: (s.drops[room] ?? 0) + 1 };
  if (!s.entries[room]) return { ...s, drops };
  const entries = { ...s.entries };
  delete entries[room];
  return { ...s, entries, drops };
}

function applyReadAll(s: InboxState): InboxState {
  const entries: Record<string, InboxEntry> = {};
  for (const [room, e] of Object.entries(s.entries)) {
    entries[room] = {
      ...e,
      base: { ...e.base, unread: 0 },
      streamed: e.streamed.map((x) => ({ ...x, counted: false })),
    };
  }
  return { ...s, entries, outside: 0 };
}

/** The inbox's state transitions; pure, and a no-op returns the same object. */
export function inboxReducer(s: InboxState, a: InboxAction): InboxState {
  switch (a.type) {
    case "filter":
      return a.filter === s.filter
        ? s
        : { ...initialInboxState(s.me, a.filter), drops: s.drops };
    case "page":
      return applyPage(s, a);
    case "total":
      // Loaded rooms are counted from their entries; the total covers only the others.
      return {
        ...s,
        outside: s.cursor === null && s.filter === "all"
          ? 0
          : Math.max(0, a.total - loadedUnread(s.entries)),
      };
    case "activity":
      return applyActivity(s, a.activity, a.seen);
    case "item":
      return applyItem(s, a);
    case "drop":
      return applyDrop(s, a.room);
    case "readAll":
      return applyReadAll(s);
  }
}
