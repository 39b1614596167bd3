import assert from "node:assert/strict";
import {
  DECOY_HASH,
  hashPassword,
  PBKDF2_ITERATIONS,
  verifyPassword,
} from "../../lib/auth/password.ts";

const b64Bytes = (s: string) => atob(s).length;

Deno.test("hashPassword - round trips through verifyPassword", async () => {
  const stored = await hashPassword("correct horse battery");
  assert.equal(stored.alg, "pbkdf2-sha256");
  assert.equal(await verifyPassword("correct horse battery", stored), true);
});

Deno.test("verifyPassword - refuses a wrong or altered password", async () => {
  const stored = await hashPassword("correct horse battery");
  for (
    const wrong of [
      "correct horse batterY",
      "correct horse battery ",
      "",
      "correct horse",
    ]
  ) {
    assert.equal(await verifyPassword(wrong, stored), false, wrong);
  }
});

Deno.test("hashPassword - uses at least 600,000 PBKDF2 iterations", async () => {
  assert.ok(PBKDF2_ITERATIONS >= 600_000);
  const stored = await hashPassword("x".repeat(8));
  assert.ok(stored.iterations >= 600_000, String(stored.iterations));
  assert.equal(b64Bytes(stored.hash), 32);
});

Deno.test("hashPassword - draws a fresh 16-byte salt for every hash", async () => {
  const [a, b] = await Promise.all([
    hashPassword("same password"),
    hashPassword("same password"),
  ]);
  assert.equal(b64Bytes(a.salt), 16);
  assert.notEqual(a.salt, b.salt);
  assert.notEqual(a.hash, b.hash);
  // Each still verifies on its own salt.
  assert.equal(await verifyPassword("same password", a), true);
  assert.equal(await verifyPassword("same password", b), true);
});

Deno.test("DECOY_HASH - no password verifies against it, at the full iteration count", async () => {
  assert.equal(DECOY_HASH.iterations, PBKDF2_ITERATIONS);
  for (const pw of ["", "password", "correct horse battery", "\0".repeat(16)]) {
    assert.equal(await verifyPassword(pw, DECOY_HASH), false, pw);
  }
});
