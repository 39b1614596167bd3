import type { Clock } from "../shared/clock.ts";
import { conflict } from "../shared/errors.ts";

/** What every repository is built from: the KV handle, a clock and an id source. */
export type Store = { kv: Deno.Kv; clock: Clock; newId: () => string };

/** Checked commits are retried this many times before the caller gets a Conflict. */
const MAX_ATTEMPTS = 12;

/**
 * Runs `attempt` until it returns a value; `attempt` returns null when its checked
 * commit lost a race, and it re-reads everything on the next try.
 */
export async function retryCommit<T>(
  what: string,
  attempt: () => Promise<T | null>,
): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const result = await attempt();
    if (result !== null) return result;
    // A short jittered pause spreads out writers that keep colliding on one head key.
    if (i >= 2) await new Promise((r) => setTimeout(r, Math.random() * 2 * i));
  }
  throw conflict("busy", `Too much contention on ${what}, try again`);
}

/** Reads up to any number of keys, in batches of 10 (Deno KV's getMany limit). */
export async function getManyBatched<T>(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<T>[]> {
  const batches: Promise<Deno.KvEntryMaybe<T>[]>[] = [];
  for (let i = 0; i < keys.length; i += 10) {
    batches.push(kv.getMany<T[]>(keys.slice(i, i + 10)));
  }
  return (await Promise.all(batches)).flat();
}
