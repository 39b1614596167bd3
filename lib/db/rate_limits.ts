import { rateLimited } from "../shared/errors.ts";
import { keys } from "./keys.ts";
import { retryCommit, type Store } from "./store.ts";

/** A limit: at most `max` hits per `windowMs` for one subject. */
export type Limit = { bucket: string; windowMs: number; max: number };

/** Fixed-window counters in KV, so a limit holds across every isolate and process. */
export function createRateLimits({ kv, clock }: Store) {
  return {
    /** Counts one hit for a subject; throws RateLimited (429) once the window is full. */
    async hit(limit: Limit, subject: string): Promise<void> {
      const now = clock.now();
      const windowStart = now - (now % limit.windowMs);
      const key = keys.rateLimit(limit.bucket, subject, windowStart);
      const count = await retryCommit("rate limit", async () => {
        const entry = await kv.get<number>(key);
        const next = (entry.value ?? 0) + 1;
        // Past the limit nothing is written, so a flood costs reads only.
        if (next > limit.max) return next;
        const res = await kv.atomic().check(entry)
          .set(key, next, { expireIn: limit.windowMs * 2 })
          .commit();
        return res.ok ? next : null;
      });
      if (count > limit.max) {
        throw rateLimited(
          Math.max(1, Math.ceil((windowStart + limit.windowMs - now) / 1000)),
        );
      }
    },
  };
}

/** The rate-limit store's type. */
export type RateLimits = ReturnType<typeof createRateLimits>;
