import { rateLimited } from "../shared/errors.ts";
import { metrics } from "../shared/telemetry.ts";
import { keys } from "./keys.ts";
import type { MessageGate } from "./messages.ts";
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

/** The start of the fixed window of `limit` that holds `now`. */
export const windowStartOf = (limit: Limit, now: number) =>
  now - (now % limit.windowMs);

/** One more hit on a window: the count to store, or a refusal with the seconds left. */
export type HitDecision =
  | { refused: false; count: number; expireIn: number }
  | { refused: true; retryAfterS: number };

/**
 * The fixed-window rule, for every counter: one more hit on a window holding `count` passes
 * up to `max`; past it the hit is refused and nothing is stored, so a flood costs reads only.
 */
export function decideHit(
  limit: Limit,
  windowStart: number,
  count: number | null,
  now: number,
): HitDecision {
  const next = (count ?? 0) + 1;
  if (next > limit.max) {
    const retryAfterS = toSeconds(windowStart + limit.windowMs - now);
    return { refused: true, retryAfterS };
  }
  return { refused: false, count: next, expireIn: limit.windowMs * 2 };
}

/** The 429 for a refused hit, counted in the telemetry by bucket. */
function refusal(limit: Limit, retryAfterS: number) {
  metrics.rateLimited(limit.bucket);
  return rateLimited(retryAfterS);
}

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
  /** Counts one hit in its own checked commit; past max nothing is written. */
  async function bump(limit: Limit, subject: string): Promise<HitDecision> {
    const now = clock.now();
    const windowStart = windowStartOf(limit, now);
    const key = keys.rateLimit(limit.bucket, subject, windowStart);
    return await retryCommit("rate limit", async () => {
      const entry = await kv.get<number>(key);
      const hit = decideHit(limit, windowStart, entry.value, now);
      if (hit.refused) return hit;
      const res = await kv.atomic().check(entry)
        .set(key, hit.count, { expireIn: hit.expireIn })
        .commit();
      return res.ok ? hit : null;
    });
  }

  return {
    /** Counts one hit for a subject; throws RateLimited (429) once the window is full. */
    async hit(limit: Limit, subject: string): Promise<void> {
      const hit = await bump(limit, subject);
      if (hit.refused) throw refusal(limit, hit.retryAfterS);
    },

    /**
     * The same hit as a send's gate: the window's counter is read with the room's head,
     * decided in the send's plan and bumped in its commit, so a refused send writes nothing.
     */
    gate(limit: Limit, subject: string): MessageGate {
      const windowStart = windowStartOf(limit, clock.now());
      return {
        key: keys.rateLimit(limit.bucket, subject, windowStart),
        // Sends in the subject's other rooms move this counter too.
        checked: true,
        decide(value, now) {
          const hit = decideHit(
            limit,
            windowStart,
            value as number | null,
            now,
          );
          if (hit.refused) throw refusal(limit, hit.retryAfterS);
          return { set: hit.count, expireIn: hit.expireIn };
        },
      };
    },

    /** Counts one hit for a subject and never throws, for limits that slow rather than stop. */
    async count(limit: Limit, subject: string): Promise<void> {
      await bump(limit, subject);
    },

    /** Whether a subject's current window already holds `max` hits. */
    async isFull(limit: Limit, subject: string): Promise<boolean> {
      const key = keys.rateLimit(
        limit.bucket,
        subject,
        windowStartOf(limit, clock.now()),
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
