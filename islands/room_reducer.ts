import type { HistoryPage } from "../lib/shared/island_props.ts";
import type { RoomEventFrame } from "../lib/shared/protocol.ts";
import type {
  AuthorView,
  MessageView,
  PresenceView,
} from "../lib/shared/schemas.ts";
import {
  applyEvent,
  applyToMessages,
  putMessage,
  setHeld,
  setMuted,
  trim,
} from "./room_events.ts";
import {
  findBySeq,
  MAX_HELD_FRAMES,
  type Member,
  mergeMissing,
  type PendingSend,
  type RoomState,
  sortBySeq,
  TYPING_EXPIRES_MS,
} from "./room_state.ts";

/** Everything that can change a room's state. */
export type RoomAction =
  | { type: "event"; frame: RoomEventFrame }
  | { type: "subscribed"; seq: number; epoch: string; recovered: boolean }
  | { type: "page"; kind: "snapshot" | "reload" | "older"; page: HistoryPage }
  | { type: "follow" }
  | { type: "send"; pending: PendingSend }
  | { type: "ack"; message: MessageView }
  | { type: "sendFailed"; clientId: string; error: string; code?: string }
  | { type: "retry"; clientId: string }
  | { type: "typing"; user: AuthorView; now: number }
  | { type: "tick"; now: number }
  | { type: "presence"; users: PresenceView[]; online: number; full: boolean }
  | { type: "receipts"; marks: { userId: string; seq: number }[] }
  | { type: "receipt"; userId: string; seq: number }
  | { type: "members"; items: Member[] }
  /** What the page was rendered with: slow mode and the viewer's own mute and hold. */
  | {
    type: "myStanding";
    slowModeS: number;
    mutedUntil: string | null;
    held: boolean;
  }
  /** Who is muted and who is held, as the member list fetched over REST says. */
  | {
    type: "standing";
    items: { id: string; mutedUntil: string | null; held: boolean }[];
  }
  | { type: "pins"; items: MessageView[] }
  | { type: "threadOpen"; rootSeq: number }
  | { type: "threadLoaded"; root: MessageView; items: MessageView[] }
  | { type: "threadClose" }
  | { type: "left" }
  /** The viewer accepted the request here; its request.accepted event may follow. */
  | { type: "requestAnswered" };

/** Holds a frame that arrived ahead of a gap, keeping the held frames sorted and unique. */
function hold(s: RoomState, f: RoomEventFrame): RoomState {
  if (s.held.some((h) => h.seq === f.seq)) return s;
  const held = [...s.held, f].sort((a, b) => a.seq - b.seq);
  return { ...s, held: held.slice(0, MAX_HELD_FRAMES) };
}

/** Applies held frames while the next one in order is there; drops those already applied. */
function drain(s: RoomState): RoomState {
  let next = s;
  while (next.held.length && next.held[0].seq <= next.cursor + 1) {
    const [f, ...rest] = next.held;
    next = { ...next, held: rest };
    if (f.seq === next.cursor + 1) next = applyEvent(next, f);
  }
  return next;
}

/** Routes a room event: old ones are dropped, the next one applied, later ones held. */
function receive(s: RoomState, f: RoomEventFrame): RoomState {
  if (s.syncing || f.seq > s.cursor + 1) return hold(s, f);
  if (f.seq <= s.cursor) return s;
  return drain(applyEvent(s, f));
}

/** Replays remembered frames newer than a page's head onto the messages it brought. */
function replaySince(s: RoomState, seq: number): RoomState {
  return s.recent.filter((f) => f.seq > seq).reduce(applyToMessages, s);
}

/** Installs a page of history: a snapshot after a lost resume, a filter reload, or older items. */
function page(
  s: RoomState,
  kind: "snapshot" | "reload" | "older",
  p: HistoryPage,
): RoomState {
  if (kind === "older") {
    const messages = mergeMissing(s.messages, p.items);
    const next = { ...s, messages, older: p.cursor, browsing: true };
    return replaySince(next, p.head.seq);
  }
  // Messages only an ack brought in (newer than anything applied) survive the swap.
  const newest = Math.max(s.cursor, p.head.seq);
  const acked = s.messages.filter((m) => m.seq > newest);
  const messages = sortBySeq([...p.items, ...acked]);
  const base = { ...s, messages, older: p.cursor, browsing: false };
  const held = s.held.filter((f) => f.seq > p.head.seq);
  if (s.syncing || p.head.epoch !== s.epoch) {
    const epoch = p.head.epoch;
    return drain({
      ...base,
      epoch,
      cursor: p.head.seq,
      syncing: false,
      held,
      recent: [],
    });
  }
  if (p.head.seq < s.cursor) return replaySince(base, p.head.seq);
  // A snapshot skips ahead to its head; a reload lets the frames up to it arrive and apply.
  if (kind === "reload") return base;
  return drain({ ...base, cursor: p.head.seq, held });
}

function subscribed(
  s: RoomState,
  a: { seq: number; epoch: string; recovered: boolean },
): RoomState {
  if (a.recovered && a.epoch === s.epoch && a.seq <= s.cursor) return s;
  const same = a.epoch === s.epoch;
  return {
    ...s,
    syncing: true,
    epoch: a.epoch,
    held: same ? s.held : [],
    recent: same ? s.recent : [],
  };
}

function ack(s: RoomState, m: MessageView): RoomState {
  const pending = s.pending.filter((p) => p.clientId !== m.clientId);
  const next = { ...s, pending };
  // An ack can beat its message.new; once the event was applied, the timeline is newer.
  const early = m.seq > s.cursor && !findBySeq(s.messages, m.seq);
  return early ? putMessage(next, m, true) : next;
}

function setPending(
  s: RoomState,
  clientId: string,
  change: Partial<PendingSend>,
): RoomState {
  const pending = s.pending.map((p) =>
    p.clientId === clientId ? { ...p, ...change } : p
  );
  return { ...s, pending };
}

function expireTyping(s: RoomState, now: number): RoomState {
  const live = Object.entries(s.typing).filter(([, t]) => t.until > now);
  if (live.length === Object.keys(s.typing).length) return s;
  return { ...s, typing: Object.fromEntries(live) };
}

function startTyping(s: RoomState, user: AuthorView, now: number): RoomState {
  if (user.id === s.me) return s;
  const until = now + TYPING_EXPIRES_MS;
  return { ...s, typing: { ...s.typing, [user.id]: { user, until } } };
}

function reconcilePins(s: RoomState, items: MessageView[]): RoomState {
  // The timeline's pinned flags come from frames, which are newer than the fetched list.
  const listed = items.map((m) => findBySeq(s.messages, m.seq) ?? m)
    .filter((m) => m.pinned);
  const extra = s.messages.filter((m) =>
    m.pinned && !listed.some((p) => p.seq === m.seq)
  );
  return { ...s, pins: [...extra.reverse(), ...listed], pinsStale: false };
}

function presence(
  s: RoomState,
  a: { users: PresenceView[]; online: number; full: boolean },
): RoomState {
  const base = a.full ? {} : s.presence;
  const changes = Object.fromEntries(a.users.map((p) => [p.userId, p]));
  return { ...s, presence: { ...base, ...changes }, online: a.online };
}

function openThread(s: RoomState, rootSeq: number): RoomState {
  const root = findBySeq(s.messages, rootSeq) ?? null;
  const replies = s.messages.filter((m) => m.threadRoot === rootSeq);
  return { ...s, thread: { rootSeq, root, replies, loaded: false } };
}

function threadLoaded(
  s: RoomState,
  a: { root: MessageView; items: MessageView[] },
): RoomState {
  const t = s.thread;
  if (!t || t.rootSeq !== a.root.seq) return s;
  // Frames that arrived during the fetch are newer than it: keep what is held.
  const root = t.root ?? a.root;
  const replies = mergeMissing(t.replies, a.items);
  return { ...s, thread: { ...t, root, replies, loaded: true } };
}

/** The room reducer: a pure function from state and action to the next state. */
export function roomReducer(s: RoomState, a: RoomAction): RoomState {
  switch (a.type) {
    case "event":
      return receive(s, a.frame);
    case "subscribed":
      return subscribed(s, a);
    case "page":
      return page(s, a.kind, a.page);
    case "follow":
      return s.browsing ? trim({ ...s, browsing: false }) : s;
    case "send":
      return { ...s, pending: [...s.pending, a.pending] };
    case "ack":
      return ack(s, a.message);
    case "sendFailed":
      return setPending(s, a.clientId, {
        state: "failed",
        error: a.error,
        code: a.code,
      });
    case "retry":
      return setPending(s, a.clientId, {
        state: "sending",
        error: undefined,
        code: undefined,
      });
    case "typing":
      return startTyping(s, a.user, a.now);
    case "tick":
      return expireTyping(s, a.now);
    case "presence":
      return presence(s, a);
    case "receipts": {
      // Marks only rise, and the snapshot may have been read before a receipt.update that
      // arrived first: keep the higher of the two.
      const receipts = { ...s.receipts };
      for (const m of a.marks) {
        receipts[m.userId] = Math.max(receipts[m.userId] ?? 0, m.seq);
      }
      return { ...s, receipts };
    }
    case "receipt":
      if ((s.receipts[a.userId] ?? 0) >= a.seq) return s;
      return { ...s, receipts: { ...s.receipts, [a.userId]: a.seq } };
    case "members":
      return { ...s, members: a.items };
    case "myStanding": {
      const next = setMuted(s, s.me, a.mutedUntil);
      return { ...setHeld(next, s.me, a.held), slowModeS: a.slowModeS };
    }
    case "standing": {
      const muted = a.items.flatMap((m) =>
        m.mutedUntil ? [[m.id, m.mutedUntil] as const] : []
      );
      return {
        ...s,
        mutedUntil: Object.fromEntries(muted),
        heldMembers: a.items.filter((m) => m.held).map((m) => m.id),
      };
    }
    case "pins":
      return reconcilePins(s, a.items);
    case "threadOpen":
      return openThread(s, a.rootSeq);
    case "threadLoaded":
      return threadLoaded(s, a);
    case "threadClose":
      return s.thread ? { ...s, thread: null } : s;
    case "left":
      return { ...s, left: true };
    case "requestAnswered":
      return s.request ? { ...s, request: null } : s;
  }
}
