import { keys } from "./keys.ts";
import { getManyBatched, retryCommit, type Store } from "./store.ts";

/** A block as stored, on both index directions. */
export type Block = { at: number };

/** Blocks a user may hold; enough for anyone, small enough to read in one list. */
export const MAX_BLOCKS = 1_000;

/** The blocks repository: who blocked whom, read from either side. */
export function createBlocks({ kv, clock }: Store) {
  /** Whether a blocked b, and whether b blocked a. */
  async function eachWay(a: string, b: string): Promise<[boolean, boolean]> {
    const [ab, ba] = await getManyBatched<Block>(kv, [
      keys.block(a, b),
      keys.block(b, a),
    ]);
    return [ab.value !== null, ba.value !== null];
  }

  return {
    eachWay,

    /** Blocks `blockedId` for `userId`; true if it was not blocked yet. */
    block(userId: string, blockedId: string): Promise<boolean> {
      const key = keys.block(userId, blockedId);
      return retryCommit("blocks", async () => {
        const e = await kv.get<Block>(key);
        if (e.value) return false;
        const b: Block = { at: clock.now() };
        const res = await kv.atomic().check(e).set(key, b)
          .set(keys.blockedBy(blockedId, userId), b).commit();
        return res.ok ? true : null;
      });
    },

    /** Lifts a block; true if there was one. */
    async unblock(userId: string, blockedId: string): Promise<boolean> {
      const key = keys.block(userId, blockedId);
      return await retryCommit("blocks", async () => {
        const e = await kv.get<Block>(key);
        if (!e.value) return false;
        const res = await kv.atomic().check(e).delete(key)
          .delete(keys.blockedBy(blockedId, userId)).commit();
        return res.ok ? true : null;
      });
    },

    /** Whether either of two users blocked the other. */
    async eitherBlocked(a: string, b: string): Promise<boolean> {
      const [ab, ba] = await eachWay(a, b);
      return ab || ba;
    },

    /** The users someone blocked, newest first. */
    async listBlocked(
      userId: string,
    ): Promise<{ userId: string; at: number }[]> {
      const items: { userId: string; at: number }[] = [];
      const iter = kv.list<Block>({ prefix: keys.blocksPrefix(userId) }, {
        limit: MAX_BLOCKS,
      });
      for await (const e of iter) {
        items.push({ userId: e.key[2] as string, at: e.value.at });
      }
      return items.sort((x, y) => y.at - x.at);
    },

    /** How many users someone blocked (for the cap). */
    async countBlocked(userId: string): Promise<number> {
      let n = 0;
      for await (
        const _ of kv.list({ prefix: keys.blocksPrefix(userId) }, {
          limit: MAX_BLOCKS + 1,
        })
      ) n++;
      return n;
    },
  };
}

/** The blocks repository's type. */
export type Blocks = ReturnType<typeof createBlocks>;
