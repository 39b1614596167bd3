import assert from "node:assert/strict";
import {
  getManyBatched,
  isLockError,
  retryCommit,
} from "../../lib/db/store.ts";
import { AppError } from "../../lib/shared/errors.ts";

Deno.test("retryCommit - returns the first non-null result without retrying", async () => {
  let attempts = 0;
  const result = await retryCommit("thing", () => {
    attempts++;
    return Promise.resolve({ ok: 1 });
  });
  assert.deepEqual(result, { ok: 1 });
  assert.equal(attempts, 1);
});

Deno.test("retryCommit - retries after 'database is locked' and returns the later success", async () => {
  let attempts = 0;
  const result = await retryCommit("thing", () => {
    attempts++;
    if (attempts <= 3) {
      return Promise.reject(new Error("database is locked"));
    }
    return Promise.resolve("done");
  });
  assert.equal(result, "done");
  assert.equal(attempts, 4);
});

Deno.test("retryCommit - retries after lost races (null) and returns false as a result", async () => {
  let attempts = 0;
  const result = await retryCommit(
    "thing",
    () => Promise.resolve(++attempts < 3 ? null : false),
  );
  assert.equal(result, false);
  assert.equal(attempts, 3);
});

Deno.test("retryCommit - any other error propagates at once", async () => {
  let attempts = 0;
  const boom = new TypeError("value too large");
  await assert.rejects(
    retryCommit("thing", () => {
      attempts++;
      return Promise.reject(boom);
    }),
    (err) => err === boom,
  );
  assert.equal(attempts, 1);
});

Deno.test("retryCommit - attempts that always lose end in 409 busy", async () => {
  let attempts = 0;
  await assert.rejects(
    retryCommit("room R", () => {
      attempts++;
      // Alternate the two kinds of loss: a null and a locked database.
      return attempts % 2
        ? Promise.resolve(null)
        : Promise.reject(new Error("SQLITE_BUSY: database is locked"));
    }),
    (err) =>
      err instanceof AppError && err.status === 409 && err.code === "busy" &&
      err.message.includes("room R"),
  );
  assert.ok(attempts >= 5, `only ${attempts} attempts`);
});

Deno.test("isLockError - recognises SQLite's busy signal and nothing else", () => {
  assert.equal(isLockError(new Error("database is locked")), true);
  assert.equal(isLockError(new Error("Database Is Locked (code 5)")), true);
  assert.equal(isLockError(new Error("SQLITE_BUSY")), true);
  assert.equal(isLockError(new Error("value too large")), false);
  assert.equal(isLockError("database is locked"), false);
  assert.equal(isLockError(null), false);
});

Deno.test("getManyBatched - reads more than 10 keys in order, with nulls for missing ones", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const ks: Deno.KvKey[] = Array.from({ length: 25 }, (_, i) => ["k", i]);
    for (let i = 0; i < 25; i += 3) await kv.set(["k", i], i * 10);
    const entries = await getManyBatched<number>(kv, ks);
    assert.equal(entries.length, 25);
    entries.forEach((e, i) => {
      assert.deepEqual(e.key, ["k", i]);
      assert.equal(e.value, i % 3 === 0 ? i * 10 : null);
    });
    assert.deepEqual(await getManyBatched(kv, []), []);
  } finally {
    kv.close();
  }
});
