import { keys } from "./keys.ts";
import type { Store } from "./store.ts";

/** A peek as stored: read-only access to a room until `until`. */
type Peek = { until: number };

/** Peeks: people inside a room's read radius who read without joining. */
export function createPeeks({ kv, clock }: Store) {
  return {
    /** Grants (or renews) a peek until `until` (epoch ms). */
    async grant(roomId: string, userId: string, until: number): Promise<void> {
      const p: Peek = { until };
      await kv.set(keys.roomPeek(roomId, userId), p, {
        expireIn: Math.max(1, until - clock.now()),
      });
    },

    /** Whether the user may still peek into the room (expireIn is lazy: the time is checked). */
    async holds(roomId: string, userId: string): Promise<boolean> {
      const p = (await kv.get<Peek>(keys.roomPeek(roomId, userId))).value;
      return p !== null && p.until > clock.now();
    },
  };
}

/** The peeks repository's type. */
export type Peeks = ReturnType<typeof createPeeks>;
