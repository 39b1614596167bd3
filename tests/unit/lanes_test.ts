import assert from "node:assert/strict";
import { createLanes } from "../../lib/db/lanes.ts";

/** A promise with its resolve function, to hold a task until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => open = r);
  return { opened, open };
}

/** Rejects if `p` has not settled within `ms`; the timer is always cleared. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lets already-queued promise callbacks run (the lane's clean-up is one of them). */
async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

Deno.test("lanes - tasks of one key run one at a time in arrival order, past rejections", async () => {
  const lanes = createLanes();
  const log: string[] = [];
  let running = 0;
  const task = (name: string, fail: boolean) => async () => {
    running++;
    assert.equal(running, 1, `${name} overlapped another task`);
    log.push(`start ${name}`);
    // Several turns of the microtask queue, where an unserialised task would interleave.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    log.push(`end ${name}`);
    running--;
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled(
    ["a", "b", "c", "d", "e"].map((n) =>
      lanes.run("room", task(n, n === "a" || n === "c"))
    ),
  );
  assert.deepEqual(log, [
    "start a",
    "end a",
    "start b",
    "end b",
    "start c",
    "end c",
    "start d",
    "end d",
    "start e",
    "end e",
  ]);
  assert.deepEqual(results.map((r) => r.status), [
    "rejected",
    "fulfilled",
    "rejected",
    "fulfilled",
    "fulfilled",
  ]);
  assert.equal((results[2] as PromiseRejectedResult).reason.message, "c");
  assert.equal((results[3] as PromiseFulfilledResult<string>).value, "d");
});

Deno.test("lanes - a task waits for the one before it to settle", async () => {
  const lanes = createLanes();
  const first = gate();
  let secondStarted = false;
  const a = lanes.run("room", () => first.opened);
  const b = lanes.run("room", () => {
    secondStarted = true;
    return Promise.resolve();
  });
  await settle();
  assert.equal(secondStarted, false);
  first.open();
  await within(Promise.all([a, b]), 2_000, "lane tasks");
  assert.equal(secondStarted, true);
});

Deno.test("lanes - different keys run concurrently", async () => {
  const lanes = createLanes();
  const g = gate();
  // A's task can only finish once B's task has run: serialising across keys deadlocks.
  const a = lanes.run("room A", () => g.opened.then(() => "a"));
  const b = lanes.run("room B", () => {
    g.open();
    return Promise.resolve("b");
  });
  assert.equal(lanes.size, 2);
  assert.deepEqual(
    await within(Promise.all([a, b]), 2_000, "cross-key tasks"),
    ["a", "b"],
  );
});

Deno.test("lanes - the map empties when every lane is idle, after success and failure", async () => {
  const lanes = createLanes();
  const g = gate();
  const pending = [
    lanes.run("x", () => g.opened),
    lanes.run("x", () => Promise.reject(new Error("boom"))),
    lanes.run("y", () => Promise.resolve(1)),
  ];
  assert.equal(lanes.size, 2);
  g.open();
  await Promise.allSettled(pending);
  await settle();
  assert.equal(lanes.size, 0);
  // A key used again after going idle gets a fresh lane and is forgotten again.
  assert.equal(await lanes.run("x", () => Promise.resolve(2)), 2);
  await settle();
  assert.equal(lanes.size, 0);
});
