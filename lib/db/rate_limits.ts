import { rateLimited } from "../shared/errors.ts";
import { metrics } from "../shared/telemetry.ts";
import { keys } from "./keys.ts";
import { retryCommit, type Store } from "./store.ts";

/** A limit: at most `max` hits per `windowMs` for one subject. */
export type Limit = { bucket: string; windowMs: number; max: number };

/**
 * Backoff after failures: `free` failures pass, then each attempt must come at least
 * `baseMs · 2^(failures − free)` (at most `maxMs`) after the previous one; a streak is
 * forgotten `resetMs` after its last attempt.
 */
export type Backoff = {
  bucket: string;
  free: number;
  baseMs: number;
  maxMs: number;
  resetMs: number;
};

/** A subject's failure streak, as stored. */
type Streak = { failures: number; lastAt: number };

const toSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** How long after the last attempt a streak of `failures` must wait before the next. */
export function backoffWaitMs(backoff: Backoff, failures: number): number {
  if (failures < backoff.free) return 0;
  return Math.min(
    backoff.maxMs,
    backoff.baseMs * 2 ** (failures - backoff.free),
  );
}

/** Fixed-window counters and failure streaks in KV, so limits hold across every isolate. */
export function createRateLimits({ kv, clock }: Store) {
  /** Counts one hit; the count answered never exceeds max + 1, since past max nothing is written. */
  async function bump(limit: Limit, subject: string) {
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
    return {
      count,
      retryAfterS: toSeconds(windowStart + limit.windowMs - now),
    };
  }

  return {
    /** Counts one hit for a subject; throws RateLimited (429) once the window is full. */
    async hit(limit: Limit, subject: string): Promise<void> {
      const { count, retryAfterS } = await bump(limit, subject);
      if (count > limit.max) {
        metrics.rateLimited(limit.bucket);
        throw rateLimited(retryAfterS);
      }
    },

    /** Counts one hit for a subject and never throws, for limits that slow rather than stop. */
    async count(limit: Limit, subject: string): Promise<void> {
      await bump(limit, subject);
    },

    /** Whether a subject's current window already holds `max` hits. */
    async isFull(limit: Limit, subject: string): Promise<boolean> {
      const now = clock.now();
      const key = keys.rateLimit(
        limit.bucket,
        subject,
        now - (now % limit.windowMs),
      );
      return ((await kv.get<number>(key)).value ?? 0) >= limit.max;
    },

    /**
     * Lets an attempt through once the streak's wait is over, counting it as a failure
     * until `resetBackoff`; throws RateLimited (429) with the seconds left otherwise. The
     * check and the count are one checked commit, so parallel attempts cannot share a slot.
     */
    async reserveAttempt(backoff: Backoff, subject: string): Promise<void> {
      const key = keys.rateLimitBackoff(backoff.bucket, subject);
      const waitMs = await retryCommit("backoff", async () => {
        const now = clock.now();
        const entry = await kv.get<Streak>(key);
        // expireIn is lazy: a streak past resetMs counts as none.
        const live = entry.value && now - entry.value.lastAt < backoff.resetMs;
        const streak = live ? entry.value! : { failures: 0, lastAt: now };
        const readyAt = streak.lastAt +
          backoffWaitMs(backoff, streak.failures);
        if (now < readyAt) return readyAt - now;
        const next: Streak = { failures: streak.failures + 1, lastAt: now };
        const res = await kv.atomic().check(entry)
          .set(key, next, { expireIn: backoff.resetMs })
          .commit();
        return res.ok ? 0 : null;
      });
      if (waitMs > 0) throw rateLimited(toSeconds(waitMs));
    },

    /** Forgets a subject's failure streak (after a success). */
    async resetBackoff(backoff: Backoff, subject: string): Promise<void> {
      await kv.delete(keys.rateLimitBackoff(backoff.bucket, subject));
    },
  };
}

/** The rate-limit store's type. */
export type RateLimits = ReturnType<typeof createRateLimits>;
