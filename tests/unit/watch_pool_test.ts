import assert from "node:assert/strict";
import { createWatchPool, WATCH_KEYS } from "../../lib/chat/watch_pool.ts";
import { openTestStore } from "../helpers/store.ts";
import { within } from "../helpers/ws.ts";

/** A listener that records the values it is told and can wait for one. */
function listener() {
  const heard: unknown[] = [];
  let wake = () => {};
  return {
    heard,
    fn: (v: unknown) => {
      heard.push(v);
      wake();
    },
    /** Waits (up to 5 s) until `v` was told. */
    until(v: unknown) {
      if (heard.includes(v)) return Promise.resolve();
      return within(
        new Promise<void>((resolve) => {
          wake = () => heard.includes(v) && resolve();
        }),
        5_000,
        `value ${String(v)}`,
      );
    },
  };
}

const key = (i: number) => ["w", i];

Deno.test("watch pool - packs keys ten to a kv.watch, and each listener hears its own key", async () => {
  const { kv } = await openTestStore();
  const pool = createWatchPool(kv);
  try {
    const n = WATCH_KEYS * 2 + 5;
    const ls = Array.from({ length: n }, () => listener());
    ls.forEach((l, i) => pool.watch(key(i), l.fn));
    assert.equal(pool.streams, 3);
    // First the current value (none yet), then each change of that key alone.
    await Promise.all(ls.map((l) => l.until(null)));
    for (let i = 0; i < n; i++) await kv.set(key(i), `v${i}`);
    await Promise.all(ls.map((l, i) => l.until(`v${i}`)));
    // A change to one key is not news to the other keys' listeners of the same stream.
    await kv.set(key(0), "again");
    await kv.set(key(1), "again");
    await ls[1].until("again");
    await ls[0].until("again");
    for (const [i, l] of ls.entries()) {
      assert.deepEqual(
        l.heard,
        i < 2 ? [null, `v${i}`, "again"] : [null, `v${i}`],
        `key ${i}`,
      );
    }
  } finally {
    await pool.close();
    kv.close();
  }
});

Deno.test("watch pool - a place freed by a leaving key is reused", async () => {
  const { kv } = await openTestStore();
  const pool = createWatchPool(kv);
  try {
    const stops = Array.from(
      { length: WATCH_KEYS },
      (_, i) => pool.watch(key(i), () => {}),
    );
    assert.equal(pool.streams, 1);
    stops[3]();
    const late = listener();
    pool.watch(key(99), late.fn);
    assert.equal(pool.streams, 1, "the leaving key's place was reused");
    await kv.set(key(99), "x");
    await late.until("x");
    // Keys the remaining listeners follow are still heard after the reopen.
    const other = listener();
    pool.watch(key(0), other.fn);
    await other.until(null);
    await kv.set(key(0), "y");
    await other.until("y");
    for (const [i, stop] of stops.entries()) if (i !== 3) stop();
    assert.equal(
      pool.streams,
      1,
      "key 99 and the second key-0 listener remain",
    );
    const stopAll = [pool.watch(key(5), () => {})];
    stopAll.forEach((s) => s());
  } finally {
    await pool.close();
    assert.equal(pool.streams, 0);
    kv.close();
  }
});

Deno.test("watch pool - a stream whose last listener leaves is closed", async () => {
  const { kv } = await openTestStore();
  const pool = createWatchPool(kv);
  try {
    const a = listener();
    const stop = pool.watch(key(1), a.fn);
    await a.until(null);
    stop();
    assert.equal(pool.streams, 0);
    // Nothing is told after leaving.
    await kv.set(key(1), "late");
    const b = listener();
    pool.watch(key(1), b.fn);
    await b.until("late");
    assert.deepEqual(a.heard, [null]);
  } finally {
    await pool.close();
    kv.close();
  }
});
