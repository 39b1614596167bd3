import type { AuthorView } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import { newEpoch } from "./room_log.ts";
import { retryCommit, type Store } from "./store.ts";

/**
 * A user's stream head: the last seq, the stream's epoch, and how many of its events were
 * notifications (absent on streams older than inbox events, whose every event was one).
 */
export type UserHead = { seq: number; epoch: string; notified?: number };

/** Notifications in a stream up to its head. */
export const notifiedOf = (h: UserHead) => h.notified ?? h.seq;

/** Why a conversation changed for its member: the inbox re-reads it. */
export type InboxChange = {
  roomId: string;
  why: "added" | "read" | "hidden" | "accepted" | "declined";
};

/** A notification as stored: who mentioned the user where (the text is read live). */
export type Notification = {
  kind: "mention";
  roomId: string;
  messageSeq: number;
  from: AuthorView;
};

/** An event in a user's own stream; `n` is the stream's notification count after it. */
export type UserEvent =
  & { seq: number; at: number; expiresAt: number; n?: number }
  & (
    | { kind: "notification.new"; notification: Notification }
    | { kind: "inbox.changed"; change: InboxChange }
  );

/** A notification event of a user's stream. */
export type NotificationEvent = Extract<
  UserEvent,
  { kind: "notification.new" }
>;

/** Notifications are kept a month: longer than room events, since they wait to be read. */
export const USER_EVENT_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * Adds an event to a user's stream inside someone else's atomic operation; the caller must
 * also check `head` so two writers cannot take one seq.
 */
export function appendUserEvent(
  op: Deno.AtomicOperation,
  userId: string,
  head: Deno.KvEntryMaybe<UserHead>,
  body: Notification | InboxChange,
  now: number,
): UserEvent {
  const h = head.value ?? { seq: 0, epoch: newEpoch() };
  const isNote = "kind" in body;
  const n = notifiedOf(h) + (isNote ? 1 : 0);
  const common = {
    seq: h.seq + 1,
    at: now,
    expiresAt: now + USER_EVENT_RETENTION_MS,
    n,
  };
  const event: UserEvent = isNote
    ? { ...common, kind: "notification.new", notification: body }
    : { ...common, kind: "inbox.changed", change: body };
  op.set(keys.userEvent(userId, event.seq), event, {
    expireIn: USER_EVENT_RETENTION_MS,
  });
  const next: UserHead = { ...h, seq: event.seq, notified: n };
  op.set(keys.userHead(userId), next);
  return event;
}

/** Appends one inbox change to a user's stream in its own checked commit. */
export function appendInboxChange(
  { kv, clock }: Store,
  userId: string,
  change: InboxChange,
): Promise<UserEvent> {
  return retryCommit("user stream", async () => {
    const head = await kv.get<UserHead>(keys.userHead(userId));
    const op = kv.atomic().check(head);
    const event = appendUserEvent(op, userId, head, change, clock.now());
    return (await op.commit()).ok ? event : null;
  });
}

/** How far a user has read their notifications: a stream seq and the count up to it. */
type ReadPosition = { seq: number; n: number };

/** Read positions were bare seqs while every event was a notification. */
const readOf = (v: ReadPosition | number | null): ReadPosition =>
  typeof v === "number" ? { seq: v, n: v } : v ?? { seq: 0, n: 0 };

/** Reading a user's stream and their read position. */
export function createUserStreams({ kv, clock }: Store) {
  return {
    /** The user's stream head, created on first use so its epoch is stable. */
    async getUserHead(userId: string): Promise<UserHead> {
      return await retryCommit("user head", async () => {
        const e = await kv.get<UserHead>(keys.userHead(userId));
        if (e.value) return e.value;
        const head: UserHead = { seq: 0, epoch: newEpoch() };
        const res = await kv.atomic().check(e).set(keys.userHead(userId), head)
          .commit();
        return res.ok ? head : null;
      });
    },

    /** Live events with seq in (afterSeq, uptoSeq], ascending. */
    async listUserEventsBetween(
      userId: string,
      afterSeq: number,
      uptoSeq: number,
    ): Promise<UserEvent[]> {
      const now = clock.now();
      const items: UserEvent[] = [];
      for await (
        const e of kv.list<UserEvent>({
          start: keys.userEvent(userId, afterSeq + 1),
          end: keys.userEvent(userId, uptoSeq + 1),
        }, { batchSize: 500 })
      ) if (e.value.expiresAt > now) items.push(e.value);
      return items;
    },

    /** The newest events first, before an optional seq, at most `limit`. */
    async listUserEvents(userId: string, limit: number, before?: number) {
      const prefix = keys.userEventsPrefix(userId);
      const now = clock.now();
      const items: UserEvent[] = [];
      const iter = kv.list<UserEvent>(
        before ? { prefix, end: keys.userEvent(userId, before) } : { prefix },
        { reverse: true, limit: limit + 1 },
      );
      for await (const e of iter) {
        if (e.value.expiresAt > now) items.push(e.value);
      }
      const more = items.length > limit;
      if (more) items.pop();
      return { items, cursor: more ? String(items.at(-1)!.seq) : null };
    },

    /** The highest stream seq the user has read notifications up to (0 if none). */
    async getReadUpTo(userId: string): Promise<number> {
      return readOf(
        (await kv.get<ReadPosition | number>(keys.notificationRead(userId)))
          .value,
      ).seq;
    },

    /** Unread notifications and the stream head the count reflects, from one snapshot. */
    async unreadNotifications(userId: string) {
      const [head, read] = await kv.getMany<[UserHead, ReadPosition | number]>(
        [keys.userHead(userId), keys.notificationRead(userId)],
      );
      const h = head.value ?? { seq: 0, epoch: "" };
      const r = readOf(read.value);
      return {
        unread: Math.max(0, notifiedOf(h) - r.n),
        head: h.seq,
        readUpTo: r.seq,
      };
    },

    /** Raises the user's read position to `upto` (at most the head); never lowers it. */
    markRead(userId: string, upto: number): Promise<boolean> {
      return retryCommit("notification reads", async () => {
        const [head, e] = await kv.getMany<[UserHead, ReadPosition | number]>(
          [keys.userHead(userId), keys.notificationRead(userId)],
        );
        const h = head.value ?? { seq: 0, epoch: "" };
        const seq = Math.min(upto, h.seq);
        if (readOf(e.value).seq >= seq) return false;
        // The notification count up to `seq`: the head's, or the event's own record of it.
        const at = seq === h.seq
          ? null
          : (await kv.get<UserEvent>(keys.userEvent(userId, seq))).value;
        const n = seq === h.seq ? notifiedOf(h) : at?.n ?? seq;
        const res = await kv.atomic().check(head).check(e)
          .set(keys.notificationRead(userId), { seq, n }).commit();
        return res.ok ? true : null;
      });
    },

    /** Whether the event right after `after` is still held. */
    async canResumeFrom(userId: string, after: number): Promise<boolean> {
      const e = await kv.get<UserEvent>(keys.userEvent(userId, after + 1));
      return e.value !== null && e.value.expiresAt > clock.now();
    },
  };
}

/** The user streams repository's type. */
export type UserStreams = ReturnType<typeof createUserStreams>;
