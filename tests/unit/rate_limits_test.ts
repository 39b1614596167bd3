import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import {
  type Backoff,
  backoffWaitMs,
  createRateLimits,
  type Limit,
} from "../../lib/db/rate_limits.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { openTestStore } from "../helpers/store.ts";

const LIMIT: Limit = { bucket: "send", windowMs: 10_000, max: 5 };

const isRateLimited =
  (minRetryS: number, maxRetryS: number) => (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.status, 429);
    assert.equal(err.code, "rate_limited");
    const { retryAfterS } = err.details as { retryAfterS: number };
    assert.ok(Number.isInteger(retryAfterS), String(retryAfterS));
    assert.ok(
      retryAfterS >= minRetryS && retryAfterS <= maxRetryS,
      `retryAfterS=${retryAfterS}`,
    );
    return true;
  };

Deno.test("rateLimits.hit - max hits pass, hit max+1 is 429 rate_limited with retryAfterS", async () => {
  const store = await openTestStore();
  try {
    const limits = createRateLimits(store);
    // 2.5 s into a 10 s window: 7.5 s remain, announced as 8.
    store.clock.set(1_000_002_500);
    for (let i = 0; i < LIMIT.max; i++) await limits.hit(LIMIT, "alice");
    await assert.rejects(limits.hit(LIMIT, "alice"), isRateLimited(8, 8));
    await assert.rejects(limits.hit(LIMIT, "alice"), isRateLimited(8, 8));
    // Refused hits are not written: the counter stays at max.
    const windowStart = 1_000_000_000;
    const counter = await store.kv.get(
      keys.rateLimit("send", "alice", windowStart),
    );
    assert.equal(counter.value, LIMIT.max);
  } finally {
    store.kv.close();
  }
});

Deno.test("rateLimits.hit - retryAfterS is at least 1 in a window's last millisecond", async () => {
  const store = await openTestStore();
  try {
    const limits = createRateLimits(store);
    store.clock.set(1_000_009_999);
    for (let i = 0; i < LIMIT.max; i++) await limits.hit(LIMIT, "alice");
    await assert.rejects(limits.hit(LIMIT, "alice"), isRateLimited(1, 1));
  } finally {
    store.kv.close();
  }
});

Deno.test("rateLimits.hit - a new window allows hits again", async () => {
  const store = await openTestStore();
  try {
    const limits = createRateLimits(store);
    store.clock.set(1_000_000_000);
    for (let i = 0; i < LIMIT.max; i++) await limits.hit(LIMIT, "alice");
    store.clock.advance(LIMIT.windowMs - 1);
    await assert.rejects(limits.hit(LIMIT, "alice"), AppError);
    store.clock.advance(1);
    for (let i = 0; i < LIMIT.max; i++) await limits.hit(LIMIT, "alice");
    await assert.rejects(limits.hit(LIMIT, "alice"), AppError);
  } finally {
    store.kv.close();
  }
});

Deno.test("rateLimits.hit - subjects and buckets are counted separately", async () => {
  const store = await openTestStore();
  try {
    const limits = createRateLimits(store);
    for (let i = 0; i < LIMIT.max; i++) await limits.hit(LIMIT, "alice");
    await assert.rejects(limits.hit(LIMIT, "alice"), AppError);
    for (let i = 0; i < LIMIT.max; i++) await limits.hit(LIMIT, "bob");
    const other: Limit = { ...LIMIT, bucket: "login" };
    for (let i = 0; i < LIMIT.max; i++) await limits.hit(other, "alice");
    await assert.rejects(limits.hit(LIMIT, "bob"), AppError);
  } finally {
    store.kv.close();
  }
});

Deno.test("rateLimits.hit - concurrent hits let exactly max through", async () => {
  const store = await openTestStore();
  try {
    const limits = createRateLimits(store);
    const limit: Limit = { bucket: "burst", windowMs: 60_000, max: 20 };
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => limits.hit(limit, "alice")),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 20);
    for (const r of results) {
      if (r.status === "rejected") isRateLimited(1, 60)(r.reason);
    }
  } finally {
    store.kv.close();
  }
});

Deno.test("rateLimits.count - counts without throwing; isFull says when a window holds max", async () => {
  const store = await openTestStore();
  try {
    const limits = createRateLimits(store);
    store.clock.set(1_000_000_000);
    for (let i = 0; i < LIMIT.max - 1; i++) await limits.count(LIMIT, "alice");
    assert.equal(await limits.isFull(LIMIT, "alice"), false);
    await limits.count(LIMIT, "alice");
    assert.equal(await limits.isFull(LIMIT, "alice"), true);
    await limits.count(LIMIT, "alice");
    assert.equal(await limits.isFull(LIMIT, "bob"), false);
    store.clock.advance(LIMIT.windowMs);
    assert.equal(await limits.isFull(LIMIT, "alice"), false);
  } finally {
    store.kv.close();
  }
});

const BACKOFF: Backoff = {
  bucket: "guess",
  free: 2,
  baseMs: 1_000,
  maxMs: 5_000,
  resetMs: 60_000,
};

Deno.test("backoffWaitMs - nothing while free, then doubling from baseMs up to maxMs", () => {
  const waits = [0, 1, 2, 3, 4, 5, 6, 50, 5000].map((n) =>
    backoffWaitMs(BACKOFF, n)
  );
  assert.deepEqual(waits, [0, 0, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
});

Deno.test("rateLimits.reserveAttempt - free attempts pass, then each waits from the last; reset forgets", async () => {
  const store = await openTestStore();
  try {
    const limits = createRateLimits(store);
    await limits.reserveAttempt(BACKOFF, "a");
    await limits.reserveAttempt(BACKOFF, "a");
    await assert.rejects(
      limits.reserveAttempt(BACKOFF, "a"),
      isRateLimited(1, 1),
    );
    await limits.reserveAttempt(BACKOFF, "b");
    store.clock.advance(1_000);
    await limits.reserveAttempt(BACKOFF, "a");
    store.clock.advance(1_999);
    await assert.rejects(
      limits.reserveAttempt(BACKOFF, "a"),
      isRateLimited(1, 1),
    );
    store.clock.advance(1);
    await limits.reserveAttempt(BACKOFF, "a");
    await assert.rejects(
      limits.reserveAttempt(BACKOFF, "a"),
      isRateLimited(4, 4),
    );
    await limits.resetBackoff(BACKOFF, "a");
    await limits.reserveAttempt(BACKOFF, "a");
    await limits.reserveAttempt(BACKOFF, "a");
    await assert.rejects(limits.reserveAttempt(BACKOFF, "a"), AppError);
  } finally {
    store.kv.close();
  }
});
