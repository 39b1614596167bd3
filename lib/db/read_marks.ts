import { keys } from "./keys.ts";
import type { Message, RoomHead } from "./room_log.ts";
import { appendUserEvent, type UserHead } from "./user_stream.ts";
import { retryCommit, type Store } from "./store.ts";

/**
 * A member's read mark as stored: the highest seq read, the room's message count up to it
 * (absent on marks older than counts), and when it was raised.
 */
export type ReadMark = { seq: number; n?: number; at: number };

/** Read marks listed at most per call (one KV list batch). */
export const MAX_READ_MARKS = 1_000;

/** The read-mark repository: one monotonic mark per member and room. */
export function createReadMarks({ kv, clock }: Store) {
  /** How many of a room's messages have seq ≤ upto: the head's count or a message's own. */
  async function messagesUpTo(
    roomId: string,
    head: RoomHead,
    upto: number,
  ): Promise<number> {
    if (upto >= (head.lastMessageSeq ?? 0)) return head.messageCount ?? 0;
    const iter = kv.list<Message>({
      start: keys.message(roomId, 0),
      end: keys.message(roomId, upto + 1),
    }, { reverse: true, limit: 1 });
    for await (const e of iter) return e.value.n ?? 0;
    return 0;
  }

  return {
    /**
     * Raises a member's mark to `seq` (at most the head); true if it moved (a lower or equal
     * seq changes nothing). The mark records how many messages lie at or below it, so unread
     * counts are exact differences; the member's other tabs hear of it on their stream.
     */
    setReadMark(roomId: string, userId: string, seq: number): Promise<boolean> {
      const key = keys.readMark(roomId, userId);
      return retryCommit("read mark", async () => {
        const [current, headEntry, userHead] = await kv.getMany<
          [ReadMark, RoomHead, UserHead]
        >([key, keys.roomHead(roomId), keys.userHead(userId)]);
        const head = headEntry.value;
        if (!head) return false;
        const upto = Math.min(seq, head.seq);
        if (upto < 1 || (current.value && current.value.seq >= upto)) {
          return false;
        }
        const now = clock.now();
        const mark: ReadMark = {
          seq: upto,
          n: await messagesUpTo(roomId, head, upto),
          at: now,
        };
        // The head is checked too: a message committed meanwhile could change the count.
        const op = kv.atomic().check(current).check(headEntry).check(userHead)
          .set(key, mark);
        appendUserEvent(op, userId, userHead, { roomId, why: "read" }, now);
        return (await op.commit()).ok ? true : null;
      });
    },

    /** The highest seq a member has read in a room, or null when they never marked one. */
    async getReadMark(roomId: string, userId: string): Promise<number | null> {
      const e = await kv.get<ReadMark>(keys.readMark(roomId, userId));
      return e.value?.seq ?? null;
    },

    /** Up to `limit` (at most 1,000) of a room's marks, in user-id order. */
    async listReadMarks(
      roomId: string,
      limit: number,
    ): Promise<{ userId: string; seq: number }[]> {
      const marks: { userId: string; seq: number }[] = [];
      const iter = kv.list<ReadMark>(
        { prefix: keys.readMarksPrefix(roomId) },
        { limit: Math.max(0, Math.min(limit, MAX_READ_MARKS)) },
      );
      for await (const e of iter) {
        marks.push({ userId: e.key[2] as string, seq: e.value.seq });
      }
      return marks;
    },
  };
}

/** The read-mark repository's type. */
export type ReadMarks = ReturnType<typeof createReadMarks>;
