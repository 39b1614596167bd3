import assert from "node:assert/strict";
import { createRevocation, sliceOf } from "../../lib/chat/revocation.ts";
import { observeKv, openTestStore } from "../helpers/store.ts";
import { within } from "../helpers/ws.ts";

/** A connection that records the closes it is asked for. */
const conn = (name: string, log: string[]) => ({
  end: (code: number) => void log.push(`${name} ${code}`),
});

Deno.test("revocation - one socket or several per session: revoke closes exactly those still tracked", async () => {
  const store = await openTestStore();
  const revocation = createRevocation({
    kv: store.kv,
    clock: store.clock,
    broadcast: false,
    intervalMs: 3_600_000,
  });
  try {
    const closed: string[] = [];
    const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => conn(n, closed));
    revocation.track(a, "one");
    revocation.track(a, "one"); // tracked twice, still one socket
    revocation.track(b, "two");
    revocation.track(c, "two");
    revocation.track(d, "two");
    revocation.untrack(c, "two");
    revocation.untrack(a, "two"); // not under this session: nothing happens
    revocation.revoke("two");
    assert.deepEqual(closed.sort(), ["b 1008", "d 1008"]);
    revocation.revoke("two");
    assert.equal(closed.length, 2);
    revocation.untrack(a, "one");
    revocation.revoke("one");
    assert.equal(closed.length, 2);
    revocation.track(a, "one");
    revocation.revoke("one");
    assert.deepEqual(closed.slice(2), ["a 1008"]);
  } finally {
    await revocation.close();
    store.kv.close();
  }
});

Deno.test("revocation - sessions are re-read a slice at a time, each within one interval", async () => {
  const store = await openTestStore();
  const reads: number[] = [];
  const closed: string[] = [];
  // Notes, for each read, how many sockets had been closed before it.
  const kv = observeKv(store.kv, (call) => {
    if (call === "getMany") reads.push(closed.length);
  });
  const intervalMs = 200;
  const revocation = createRevocation({
    kv,
    clock: store.clock,
    broadcast: false,
    intervalMs,
  });
  try {
    // 40 sessions, none in KV: every re-read finds its slice's sessions gone.
    const hashes = Array.from(
      { length: 40 },
      (_, i) => i.toString(16).padStart(2, "0").repeat(32),
    );
    const slices = new Set(hashes.map(sliceOf));
    assert.ok(slices.size >= 5, "the hashes spread over the slices");
    for (const h of hashes) revocation.track(conn(h, closed), h);
    await within(
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (closed.length === hashes.length) {
            clearInterval(check);
            resolve();
          }
        }, 10);
      }),
      intervalMs * 3,
      "every session re-read",
    );
    // The sessions were re-read in several turns, not all in the first.
    assert.ok(new Set(reads).size >= 5, JSON.stringify(reads));
  } finally {
    await revocation.close();
    store.kv.close();
  }
});
