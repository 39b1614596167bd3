import { keys } from "./keys.ts";
import { retryCommit, type Store } from "./store.ts";

/** A member's read mark as stored: the highest seq read and when it was raised. */
export type ReadMark = { seq: number; at: number };

/** Read marks listed at most per call (one KV list batch). */
export const MAX_READ_MARKS = 1_000;

/** The read-mark repository: one monotonic mark per member and room. */
export function createReadMarks({ kv, clock }: Store) {
  return {
    /** Raises a member's mark to `seq`; true if it moved (a lower or equal seq changes nothing). */
    setReadMark(roomId: string, userId: string, seq: number): Promise<boolean> {
      const key = keys.readMark(roomId, userId);
      return retryCommit("read mark", async () => {
        const current = await kv.get<ReadMark>(key);
        if (current.value && current.value.seq >= seq) return false;
        const mark: ReadMark = { seq, at: clock.now() };
        const res = await kv.atomic().check(current).set(key, mark).commit();
        return res.ok ? true : null;
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
