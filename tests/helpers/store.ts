import type { Store } from "../../lib/db/store.ts";
import { type Clock, createIdFactory } from "../../lib/shared/clock.ts";

/** A clock that stands still until a test moves it. */
export type TestClock = Clock & {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Jumps to an absolute epoch time in milliseconds. */
  set(ms: number): void;
};

/** 2025-01-01T00:00:00Z, the moment every test store starts at unless told otherwise. */
export const TEST_EPOCH = Date.UTC(2025, 0, 1);

/** A controllable clock starting at `start`. */
export function createTestClock(start = TEST_EPOCH): TestClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => void (t += ms),
    set: (ms) => void (t = ms),
  };
}

/** A Store over a fresh in-memory KV; the caller closes `kv` (try/finally). */
export type TestStore = Store & { clock: TestClock };

/** Opens an in-memory KV with a controllable clock and ULIDs that follow that clock. */
export async function openTestStore(start = TEST_EPOCH): Promise<TestStore> {
  const clock = createTestClock(start);
  const kv = await Deno.openKv(":memory:");
  return { kv, clock, newId: createIdFactory(clock) };
}

/** Every entry in the KV, in key order. */
export async function allEntries(
  kv: Deno.Kv,
): Promise<Deno.KvEntry<unknown>[]> {
  const entries: Deno.KvEntry<unknown>[] = [];
  for await (const e of kv.list({ prefix: [] })) entries.push(e);
  return entries;
}

/** Every entry as one JSON line per key/value, for scanning what was stored. */
export async function dumpKv(kv: Deno.Kv): Promise<string> {
  const json = (v: unknown) =>
    JSON.stringify(v, (_, x) => typeof x === "bigint" ? `${x}n` : x);
  return (await allEntries(kv))
    .map((e) => `${json(e.key)} ${json(e.value)}`)
    .join("\n");
}

/** A KV operation `observeKv` reports: a read, or an atomic operation's commit. */
export type KvCall = "get" | "getMany" | "list" | "commit";

/** Wraps `kv` so that `seen` hears of each read and commit before it is made. */
export function observeKv(kv: Deno.Kv, seen: (call: KvCall) => void): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          const commit = op.commit.bind(op);
          op.commit = () => (seen("commit"), commit());
          return op;
        };
      }
      if (prop === "get" || prop === "getMany" || prop === "list") seen(prop);
      return v.bind(target);
    },
  });
}
