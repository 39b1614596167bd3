import type { AuthorView } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import { newEpoch } from "./room_log.ts";
import { retryCommit, type Store } from "./store.ts";

/** A user's stream head: the last seq and the stream's epoch. */
export type UserHead = { seq: number; epoch: string };

/** A notification as stored: who mentioned the user where (the text is read live). */
export type Notification = {
  kind: "mention";
  roomId: string;
  messageSeq: number;
  from: AuthorView;
};

/** An event in a user's own stream. */
export type UserEvent = {
  kind: "notification.new";
  seq: number;
  notification: Notification;
  at: number;
  expiresAt: number;
};

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
  notification: Notification,
  now: number,
): UserEvent {
  const h = head.value ?? { seq: 0, epoch: newEpoch() };
  const event: UserEvent = {
    kind: "notification.new",
    seq: h.seq + 1,
    notification,
    at: now,
    expiresAt: now + USER_EVENT_RETENTION_MS,
  };
  op.set(keys.userEvent(userId, event.seq), event, {
    expireIn: USER_EVENT_RETENTION_MS,
  });
  op.set(keys.userHead(userId), { ...h, seq: event.seq });
  return event;
}

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

    /** The highest notification seq the user has read (0 if none). */
    async getReadUpTo(userId: string): Promise<number> {
      return (await kv.get<number>(keys.notificationRead(userId))).value ?? 0;
    },

    /** Raises the user's read position; never lowers it. */
    markRead(userId: string, upto: number): Promise<boolean> {
      return retryCommit("notification reads", async () => {
        const e = await kv.get<number>(keys.notificationRead(userId));
        if ((e.value ?? 0) >= upto) return false;
        const res = await kv.atomic().check(e)
          .set(keys.notificationRead(userId), upto).commit();
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
