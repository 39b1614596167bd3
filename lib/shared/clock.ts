import { monotonicFactory } from "ulid";

/** A source of the current time in epoch milliseconds, injected so tests control time. */
export type Clock = { now(): number };

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Makes a ULID generator that is monotonic within this isolate. */
export function createIdFactory(clock: Clock = systemClock): () => string {
  const next = monotonicFactory();
  return () => next(clock.now());
}

/** Epoch milliseconds as an ISO-8601 string, or null. */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
