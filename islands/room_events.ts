import type { RoomEventFrame } from "../lib/shared/protocol.ts";
import type { MessageView } from "../lib/shared/schemas.ts";
import {
  findBySeq,
  MAX_BROWSING_MESSAGES,
  MAX_KEPT_MESSAGES,
  MAX_RECENT_FRAMES,
  type RoomState,
  upsertBySeq,
} from "./room_state.ts";

type Change = (m: MessageView) => MessageView;

/** Changes one message wherever a copy of it is held: the timeline, the pins, the thread. */
export function changeMessage(
  s: RoomState,
  seq: number,
  change: Change,
): RoomState {
  const held = findBySeq(s.messages, seq);
  const messages = held ? upsertBySeq(s.messages, change(held)) : s.messages;
  const pins = s.pins.map((p) => p.seq === seq ? change(p) : p);
  let thread = s.thread;
  if (thread?.root?.seq === seq) {
    thread = { ...thread, root: change(thread.root) };
  }
  const reply = thread && findBySeq(thread.replies, seq);
  if (thread && reply) {
    thread = { ...thread, replies: upsertBySeq(thread.replies, change(reply)) };
  }
  return { ...s, messages, pins, thread };
}

/** Puts a message's latest state everywhere it belongs (timeline, pins, open thread). */
export function putMessage(
  s: RoomState,
  m: MessageView,
  insert: boolean,
): RoomState {
  const held = findBySeq(s.messages, m.seq);
  let next = changeMessage(s, m.seq, () => m);
  if (!held && insert) {
    next = trim({ ...next, messages: upsertBySeq(next.messages, m) });
  }
  const t = next.thread;
  if (t && m.threadRoot === t.rootSeq && !findBySeq(t.replies, m.seq)) {
    next = { ...next, thread: { ...t, replies: upsertBySeq(t.replies, m) } };
  }
  if (!m.pinned && next.pins.some((p) => p.seq === m.seq)) {
    next = { ...next, pins: next.pins.filter((p) => p.seq !== m.seq) };
  }
  return next;
}

/** Drops the oldest messages past the cap, moving the `before` cursor to the oldest kept. */
export function trim(s: RoomState): RoomState {
  const cap = s.browsing ? MAX_BROWSING_MESSAGES : MAX_KEPT_MESSAGES;
  if (s.messages.length <= cap) return s;
  const messages = s.messages.slice(-cap);
  return { ...s, messages, older: String(messages[0].seq) };
}

/** Applies what a frame says about messages (the part that can be replayed onto a fresh page). */
export function applyToMessages(s: RoomState, f: RoomEventFrame): RoomState {
  switch (f.type) {
    case "message.new":
      return putMessage(s, f.message, true);
    case "message.edited":
    case "message.deleted":
      return putMessage(s, f.message, false);
    case "reaction.updated":
      return changeMessage(
        s,
        f.messageSeq,
        (m) => ({ ...m, reactions: f.reactions }),
      );
    case "thread.updated":
      return changeMessage(s, f.rootSeq, (m) => ({
        ...m,
        replyCount: f.replyCount,
        lastReplyAt: f.lastReplyAt,
      }));
    case "pin.updated":
      return applyPin(s, f.messageSeq, f.pinned);
    default:
      return s;
  }
}

function applyPin(s: RoomState, seq: number, pinned: boolean): RoomState {
  const next = changeMessage(s, seq, (m) => ({ ...m, pinned }));
  const listed = next.pins.some((p) => p.seq === seq);
  if (!pinned) {
    return listed
      ? { ...next, pins: next.pins.filter((p) => p.seq !== seq) }
      : next;
  }
  if (listed) return next;
  const m = findBySeq(next.messages, seq) ??
    (next.thread?.root?.seq === seq ? next.thread.root : undefined);
  return m
    ? { ...next, pins: [m, ...next.pins] }
    : { ...next, pinsStale: true };
}

/** Records a member's mute (an ISO time) or its end (null). */
export function setMuted(
  s: RoomState,
  userId: string | undefined,
  until: string | null,
): RoomState {
  if (!userId) return s;
  if (until) {
    if (s.mutedUntil[userId] === until) return s;
    return { ...s, mutedUntil: { ...s.mutedUntil, [userId]: until } };
  }
  if (!(userId in s.mutedUntil)) return s;
  const { [userId]: _, ...mutedUntil } = s.mutedUntil;
  return { ...s, mutedUntil };
}

/** Records whether the raid shield holds a member. */
export function setHeld(
  s: RoomState,
  userId: string | undefined,
  held: boolean,
): RoomState {
  if (!userId || s.heldMembers.includes(userId) === held) return s;
  const heldMembers = held
    ? [...s.heldMembers, userId]
    : s.heldMembers.filter((id) => id !== userId);
  return { ...s, heldMembers };
}

/** Applies the next frame in order (seq = cursor + 1) and advances the cursor to it. */
export function applyEvent(s: RoomState, f: RoomEventFrame): RoomState {
  let next = applyToMessages(s, f);
  switch (f.type) {
    case "message.new": {
      const m = f.message;
      if (m.author.id === s.me) {
        next = {
          ...next,
          pending: next.pending.filter((p) => p.clientId !== m.clientId),
        };
      }
      if (next.typing[m.author.id]) {
        const { [m.author.id]: _, ...typing } = next.typing;
        next = { ...next, typing };
      }
      break;
    }
    case "member.joined": {
      const role = f.role ?? "member";
      const members =
        next.members && !next.members.some((u) => u.id === f.user.id)
          ? [...next.members, { ...f.user, role }]
          : next.members;
      next = { ...next, memberCount: f.memberCount, members };
      next = setHeld(next, f.user?.id, f.held === true);
      break;
    }
    case "member.muted":
      next = setMuted(next, f.userId, f.until ?? null);
      break;
    case "member.admitted":
      next = setHeld(next, f.userId, false);
      break;
    case "member.role":
      next = {
        ...next,
        members:
          next.members?.map((u) =>
            u.id === f.userId ? { ...u, role: f.role } : u
          ) ?? null,
        role: f.userId === s.me ? f.role : next.role,
      };
      break;
    case "request.accepted":
      // A message refused while the request was pending can now be retried.
      next = {
        ...next,
        request: null,
        pending: next.pending.map((p) =>
          p.code === "request_pending" ? { ...p, code: undefined } : p
        ),
      };
      break;
    case "member.left":
      next = {
        ...next,
        memberCount: f.memberCount,
        members: next.members?.filter((u) => u.id !== f.userId) ?? null,
        left: next.left || f.userId === s.me,
      };
      // Whoever left is no longer muted or held; a rejoin starts afresh.
      next = setHeld(setMuted(next, f.userId, null), f.userId, false);
      break;
    case "room.updated":
      next = {
        ...next,
        name: f.name,
        description: f.description,
        slowModeS: f.slowModeS ?? next.slowModeS,
      };
      break;
  }
  const recent = [...next.recent, f].slice(-MAX_RECENT_FRAMES);
  return { ...next, cursor: f.seq, recent };
}
