import type { Clock } from "../shared/clock.ts";
import { conflict } from "../shared/errors.ts";
import { metrics } from "../shared/telemetry.ts";

/** What every repository is built from: the KV handle, a clock and an id source. */
export type Store = { kv: Deno.Kv; clock: Clock; newId: () => string };

/** Checked commits are retried this many times before the caller gets a Conflict. */
const MAX_ATTEMPTS = 30;

/**
 * Whether an error is SQLite's busy signal: isolates sharing one KV file make a concurrent
 * commit throw "database is locked" instead of answering ok: false.
 */
export function isLockError(err: unknown): boolean {
  return err instanceof Error &&
    /database is locked|SQLITE_BUSY/i.test(err.message);
}

/**
 * Runs `attempt` until it returns a value; `attempt` returns null when its checked commit
 * lost a race, and re-reads everything on the next try. A locked database is a lost race.
 */
export async function retryCommit<T>(
  what: string,
  attempt: () => Promise<T | null>,
): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    let result: T | null = null;
    try {
      result = await attempt();
    } catch (err) {
      if (!isLockError(err)) throw err;
    }
    if (result !== null) return result;
    metrics.commitRetried(what);
    // A short jittered, growing pause spreads out writers that keep colliding on one key.
    if (i >= 2) {
      await new Promise((r) =>
        setTimeout(r, Math.random() * Math.min(50, 2 ** i))
      );
    }
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

/**
 * Opens KV, retrying briefly while the file is locked: every isolate of `deno serve
 * --parallel` opens the same file at start-up, and SQLite can refuse one of them.
 */
export async function openKvRetrying(path: string, attempts = 20) {
  for (let i = 1;; i++) {
    try {
      return await Deno.openKv(path);
    } catch (err) {
      if (!isLockError(err) || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 20 * i));
    }
  }
}
