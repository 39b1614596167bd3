import type { RoomEventFrame } from "../lib/shared/protocol.ts";
import type { RoomRole } from "../lib/shared/island_props.ts";
import type {
  AuthorView,
  MessageCategory,
  MessageView,
  PresenceView,
  RoomHeadView,
} from "../lib/shared/schemas.ts";

/** The kinds of room a chat can show: public ones at a place, DMs and private groups. */
export type RoomKind = "proximity" | "direct" | "group";

/** An open direct message request: one the viewer received, or one they sent. */
export type DirectRequest = "incoming" | "outgoing";

/** Most messages kept while the reader follows the live end; older ones fall off the top. */
export const MAX_KEPT_MESSAGES = 500;

/** Most messages kept while the reader browses older history. */
export const MAX_BROWSING_MESSAGES = 2000;

/** Most out-of-order frames held while waiting for a gap to fill. */
export const MAX_HELD_FRAMES = 1000;

/** How many applied frames are remembered to replay onto a page fetched meanwhile. */
export const MAX_RECENT_FRAMES = 200;

/** How long a typing indicator lasts without a new `typing` frame. */
export const TYPING_EXPIRES_MS = 6000;

/** A message typed here and not yet confirmed by the server. */
export type PendingSend = {
  clientId: string;
  text: string;
  createdAt: string;
  threadRoot: number | null;
  category: MessageCategory;
  state: "sending" | "failed";
  error?: string;
  /** The server's error code when it refused the message (`request_pending`, `blocked`, …). */
  code?: string;
};

/** A room member as the chat shows them. */
export type Member = AuthorView & { role: RoomRole };

/** The open thread: its root (once known) and its replies in seq order. */
export type ThreadState = {
  rootSeq: number;
  root: MessageView | null;
  replies: MessageView[];
  loaded: boolean;
};

/** Everything the chat knows about one room, rebuilt only through the room reducer. */
export type RoomState = {
  roomId: string;
  me: string;
  kind: RoomKind;
  /** The viewer's own role, which a member.role event can change. */
  role: RoomRole;
  /** An open direct message request; a request.accepted event clears it. */
  request: DirectRequest | null;
  name: string;
  description: string;
  epoch: string;
  /** The seq of the last event applied. */
  cursor: number;
  /** True between a `subscribed` that could not resume and the snapshot that replaces it. */
  syncing: boolean;
  /** Frames that arrived ahead of a gap, in seq order. */
  held: RoomEventFrame[];
  /** The last frames applied, to replay onto pages fetched while they arrived. */
  recent: RoomEventFrame[];
  messages: MessageView[];
  /** The `before` cursor for older history, or null at the start of the room. */
  older: string | null;
  /** True once older history was loaded, so appends stop trimming the top. */
  browsing: boolean;
  pending: PendingSend[];
  pins: MessageView[];
  /** True when a pin arrived for a message not held here, so the pin list needs a reload. */
  pinsStale: boolean;
  memberCount: number;
  members: Member[] | null;
  presence: Record<string, PresenceView>;
  online: number;
  typing: Record<string, { user: AuthorView; until: number }>;
  receipts: Record<string, number>;
  thread: ThreadState | null;
  /** True once the viewer left the room (here or in another tab). */
  left: boolean;
  /** Seconds a member waits between messages (0: slow mode off); admins are exempt. */
  slowModeS: number;
  /** Members muted, by id: until when (a lapsed time means no longer muted). */
  mutedUntil: Record<string, string>;
  /** Ids of members the raid shield holds read-only until an admin lets them in. */
  heldMembers: string[];
};

/** What the page hands over: the room, the viewer and the first history page. */
export type RoomInit = {
  roomId: string;
  me: string;
  kind?: RoomKind;
  role?: RoomRole;
  request?: DirectRequest | null;
  name: string;
  description?: string;
  memberCount: number;
  items: MessageView[];
  cursor: string | null;
  head: RoomHeadView;
  slowModeS?: number;
  /** The viewer's own mute, if any. */
  mutedUntil?: string | null;
  /** Whether the raid shield holds the viewer. */
  held?: boolean;
};

/** The state a chat starts from: the server-rendered page, positioned at its head. */
export function initialRoomState(init: RoomInit): RoomState {
  return {
    roomId: init.roomId,
    me: init.me,
    kind: init.kind ?? "proximity",
    role: init.role ?? "member",
    request: init.request ?? null,
    name: init.name,
    description: init.description ?? "",
    epoch: init.head.epoch,
    cursor: init.head.seq,
    syncing: false,
    held: [],
    recent: [],
    messages: sortBySeq(init.items),
    older: init.cursor,
    browsing: false,
    pending: [],
    pins: [],
    pinsStale: false,
    memberCount: init.memberCount,
    members: null,
    presence: {},
    online: 0,
    typing: {},
    receipts: {},
    thread: null,
    left: false,
    slowModeS: init.slowModeS ?? 0,
    mutedUntil: init.mutedUntil ? { [init.me]: init.mutedUntil } : {},
    heldMembers: init.held ? [init.me] : [],
  };
}

/** A copy of the messages in ascending seq with repeated seqs removed (the last one wins). */
export function sortBySeq(items: MessageView[]): MessageView[] {
  const bySeq = new Map(items.map((m) => [m.seq, m]));
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The index of `seq` in a seq-sorted list, or where it would go as a negative `-(i + 1)`. */
export function indexOfSeq(list: { seq: number }[], seq: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid].seq;
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -(lo + 1);
}

/** The message with `seq` in a seq-sorted list, if held. */
export function findBySeq<T extends { seq: number }>(
  list: T[],
  seq: number,
): T | undefined {
  const i = indexOfSeq(list, seq);
  return i >= 0 ? list[i] : undefined;
}

/** A seq-sorted list with `m` inserted, or replacing the item with the same seq. */
export function upsertBySeq<T extends { seq: number }>(list: T[], m: T): T[] {
  const i = indexOfSeq(list, m.seq);
  const out = list.slice();
  if (i >= 0) out[i] = m;
  else out.splice(-(i + 1), 0, m);
  return out;
}

/** A seq-sorted list with the items it lacks added; items already held are kept as they are. */
export function mergeMissing<T extends { seq: number }>(
  list: T[],
  items: T[],
): T[] {
  let out = list;
  for (const m of items) {
    if (indexOfSeq(out, m.seq) < 0) out = upsertBySeq(out, m);
  }
  return out;
}
