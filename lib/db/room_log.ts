import type {
  AuthorView,
  MessageCategory,
  ReactionSummary,
} from "../shared/schemas.ts";
import { notFound } from "../shared/errors.ts";
import { metrics, span } from "../shared/telemetry.ts";
import type { RoomRole } from "./members.ts";
import { keys } from "./keys.ts";
import { createLanes } from "./lanes.ts";
import { getManyBatched, retryCommit, type Store } from "./store.ts";

/** A room's head key value: the log's last seq, its epoch, and the last message time. */
export type RoomHead = {
  seq: number;
  lastMessageAt: number | null;
  /** Names this log; a cursor from another epoch cannot resume. Absent on pre-log rooms. */
  epoch?: string;
  /** Messages ever created in the room (replies included); unread counts are differences of it. */
  messageCount?: number;
  /** The seq of the newest message, for previews. */
  lastMessageSeq?: number;
};

/** A fresh random epoch name for a new log. */
export const newEpoch = () => crypto.randomUUID().slice(0, 8);

/** The epoch of a head; rooms made before the log existed read as "0". */
export const epochOf = (head: RoomHead) => head.epoch ?? "0";

/** A message as stored: its current state (the projection the log's events describe). */
export type Message = {
  id: string;
  roomId: string;
  seq: number;
  author: AuthorView;
  text: string;
  clientId: string;
  createdAt: number;
  category: MessageCategory;
  threadRoot: number | null;
  replyCount: number;
  lastReplyAt: number | null;
  editedAt: number | null;
  deleted: boolean;
  pinned: boolean;
  /** The message's ordinal in its room (head.messageCount after it); absent on older messages. */
  n?: number;
  /** Written while its author was shadow-banned: only they ever see it. */
  shadow?: boolean;
  reactions: ReactionSummary[];
  mentions: string[];
  /**
   * Seqs of the later events that carry this message whole, so a delete can scrub them: its
   * message.edited events, or for a tombstone its message.deleted.
   */
  editSeqs: number[];
};

/** What one event says happened; every kind carries the state after the change. */
export type RoomEventBody =
  | {
    kind: "message.new" | "message.edited" | "message.deleted";
    message: Message;
  }
  | {
    kind: "reaction.updated";
    messageSeq: number;
    emoji: string;
    userId: string;
    on: boolean;
    reactions: ReactionSummary[];
  }
  | { kind: "pin.updated"; messageSeq: number; pinned: boolean; by: string }
  | {
    kind: "thread.updated";
    rootSeq: number;
    replyCount: number;
    lastReplyAt: number | null;
  }
  | {
    kind: "member.joined";
    user: AuthorView;
    memberCount: number;
    /** The role the member joined with, and who added them (invites). */
    role?: RoomRole;
    by?: string;
    /** Held by the raid shield: read-only until admitted. */
    held?: boolean;
  }
  | {
    kind: "member.left";
    userId: string;
    memberCount: number;
    /** Who removed them, when someone else did. */
    by?: string;
    reason?: "left" | "removed" | "kicked" | "banned";
  }
  | { kind: "member.muted"; userId: string; until: number | null; by: string }
  | { kind: "member.admitted"; userId: string; by: string }
  | { kind: "member.role"; userId: string; role: RoomRole; by: string }
  | { kind: "request.accepted"; by: string }
  | {
    kind: "room.updated";
    name: string;
    description: string;
    slowModeS?: number;
  };

/** An event as a change appends it: optionally seen only by one user. */
export type LoggedEvent = RoomEventBody & { onlyFor?: string };

/** An event as stored in the room's log. */
export type RoomEvent = RoomEventBody & {
  roomId: string;
  seq: number;
  at: number;
  /** A shadow-banned author's event: only they see it; everyone else gets a `skipped`. */
  onlyFor?: string;
  /** Retention: the event is unreadable from this time (expireIn is lazy, so reads check). */
  expiresAt: number;
};

/** What a change decides after reading: events to append and writes to make, or no change. */
export type ChangePlan<T> =
  | { done: T }
  | {
    result: T;
    events: LoggedEvent[];
    /** Adds writes; `seqs` are the seqs the events will take, in order. */
    mutate?(op: Deno.AtomicOperation, seqs: number[]): void;
    /** Extra entries whose versionstamps must still hold (at most 9: the head is one). */
    checks?: Deno.KvEntryMaybe<unknown>[];
    /** Whether this change creates a message: its first event must then be that message.new. */
    touch?: boolean;
  };

/** What a change's planner sees: the head, the entries it asked for, and the time. */
export type ChangeContext = {
  head: RoomHead;
  entries: Deno.KvEntryMaybe<unknown>[];
  now: number;
  /** The seq the first appended event will take. */
  nextSeq: number;
};

/** The outcome of a committed change: the planner's result and the events appended. */
export type Committed<T> = { result: T; events: RoomEvent[] };

/** Events live this long by default, so a client can resume after a week away. */
export const DEFAULT_EVENT_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * The room log: every durable change to a room goes through `change`, which appends its
 * events under the next seqs in the same checked commit that changes the state. The room's
 * head is the lock: every writer checks it, so one commit wins per seq across isolates.
 */
export function createRoomLog(
  { kv, clock }: Store,
  opts: {
    retentionMs?: number;
    /** Told after every commit that appended events (as committed), to wake the fan-out. */
    onAppend?: (roomId: string, seq: number, events: RoomEvent[]) => void;
  } = {},
) {
  const retentionMs = opts.retentionMs ?? DEFAULT_EVENT_RETENTION_MS;
  const lanes = createLanes();
  return {
    retentionMs,

    /**
     * Reads the head and `read` keys, lets `plan` decide, and commits its events and writes
     * with the head checked; retried from the read on a lost race. 404 for an unknown room.
     */
    change<T>(
      roomId: string,
      read: Deno.KvKey[],
      plan: (ctx: ChangeContext) => ChangePlan<T> | Promise<ChangePlan<T>>,
    ): Promise<Committed<T>> {
      const started = performance.now();
      return lanes.run(
        roomId,
        () =>
          span(
            "room.commit",
            { room: roomId },
            () =>
              retryCommit("room " + roomId, async () => {
                const [head, ...entries] = await getManyBatched<unknown>(kv, [
                  keys.roomHead(roomId),
                  ...read,
                ]);
                const h = head.value as RoomHead | null;
                if (h === null) {
                  throw notFound("Room");
                }
                const now = clock.now();
                const p = await plan({
                  head: h,
                  entries,
                  now,
                  nextSeq: h.seq + 1,
                });
                if ("done" in p) return { result: p.done, events: [] };
                const op = kv.atomic().check(head);
                for (const c of p.checks ?? []) op.check(c);
                const events = p.events.map((body, i): RoomEvent => ({
                  ...body,
                  roomId,
                  seq: h.seq + 1 + i,
                  at: now,
                  expiresAt: now + retentionMs,
                }));
                for (const e of events) {
                  op.set(keys.roomEvent(roomId, e.seq), e, {
                    expireIn: retentionMs,
                  });
                }
                const next: RoomHead = p.touch
                  ? {
                    ...h,
                    seq: h.seq + events.length,
                    lastMessageAt: now,
                    messageCount: (h.messageCount ?? 0) + 1,
                    lastMessageSeq: h.seq + 1,
                  }
                  : { ...h, seq: h.seq + events.length };
                op.set(keys.roomHead(roomId), next);
                p.mutate?.(op, events.map((e) => e.seq));
                if (!(await op.commit()).ok) return null;
                metrics.commitMs(performance.now() - started);
                if (events.length) opts.onAppend?.(roomId, next.seq, events);
                return { result: p.result, events };
              }),
          ),
      );
    },

    /** Live events with seq in (afterSeq, uptoSeq], ascending; the fan-out reads through this. */
    async listEventsBetween(
      roomId: string,
      afterSeq: number,
      uptoSeq: number,
    ): Promise<RoomEvent[]> {
      const now = clock.now();
      const items: RoomEvent[] = [];
      const iter = kv.list<RoomEvent>({
        start: keys.roomEvent(roomId, afterSeq + 1),
        end: keys.roomEvent(roomId, uptoSeq + 1),
      }, { batchSize: 500 });
      for await (const e of iter) {
        if (e.value.expiresAt > now) items.push(e.value);
      }
      return items;
    },

    /** Whether the event right after `after` is still held, so a resume from it is complete. */
    async canResumeFrom(roomId: string, after: number): Promise<boolean> {
      const e = await kv.get<RoomEvent>(keys.roomEvent(roomId, after + 1));
      return e.value !== null && e.value.expiresAt > clock.now();
    },
  };
}

/** The room log's type. */
export type RoomLog = ReturnType<typeof createRoomLog>;
