import assert from "node:assert/strict";
import { createRevocation } from "../../lib/chat/revocation.ts";
import { openTestStore } from "../helpers/store.ts";

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
