import assert from "node:assert/strict";
import type { PasswordHash } from "../../lib/auth/password.ts";
import { createRateLimits } from "../../lib/db/rate_limits.ts";
import { createSessions } from "../../lib/db/sessions.ts";
import { createUsers } from "../../lib/db/users.ts";
import { createAccounts } from "../../lib/services/accounts.ts";
import { LIMITS } from "../../lib/services/limits.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { openTestStore, type TestStore } from "../helpers/store.ts";

const PASSWORD = "correct horse battery";
const WRONG = "not the password";
const ATTACKER = "203.0.113.7";
const OWNER_HOME = "198.51.100.2";

const FREE_FAILURES = LIMITS.loginBackoff.free;
const FIRST_WAIT_S = LIMITS.loginBackoff.baseMs / 1000;
const MAX_WAIT_S = LIMITS.loginBackoff.maxMs / 1000;
const FORGET_AFTER_MS = LIMITS.loginBackoff.resetMs;
const PER_ADDRESS = LIMITS.login.max;
const HANDLE_CEILING = LIMITS.loginHandle.max;

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** A real PBKDF2 hash with few iterations, so tests can verify hundreds of passwords. */
async function cheapHash(password: string): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: 1_000 },
    key,
    256,
  );
  return {
    alg: "pbkdf2-sha256",
    iterations: 1_000,
    salt: b64(salt),
    hash: b64(new Uint8Array(bits)),
  };
}

async function setup(store: TestStore, handles = ["alice"]) {
  const users = createUsers(store);
  const password = await cheapHash(PASSWORD);
  for (const handle of handles) {
    await users.createUser({ handle, displayName: handle, password });
  }
  return createAccounts(
    users,
    createSessions(store, 3_600_000),
    createRateLimits(store),
  );
}

type Accounts = Awaited<ReturnType<typeof setup>>;

/** One login; answers 200, or the AppError's status and, for 429, its retryAfterS. */
async function attempt(
  accounts: Accounts,
  address: string,
  password = WRONG,
  handle = "alice",
): Promise<{ status: number; retryAfterS?: number }> {
  try {
    await accounts.login({ handle, password }, address);
    return { status: 200 };
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    if (err.status !== 429) return { status: err.status };
    assert.equal(err.code, "rate_limited");
    const { retryAfterS } = err.details as { retryAfterS: number };
    assert.ok(
      Number.isInteger(retryAfterS) && retryAfterS >= 1,
      `${retryAfterS}`,
    );
    return { status: 429, retryAfterS };
  }
}

async function withAccounts(
  fn: (store: TestStore, accounts: Accounts) => Promise<void>,
  handles?: string[],
) {
  const store = await openTestStore();
  try {
    await fn(store, await setup(store, handles));
  } finally {
    store.kv.close();
  }
}

async function failFreely(accounts: Accounts, address = ATTACKER) {
  for (let i = 0; i < FREE_FAILURES; i++) {
    assert.deepEqual(
      await attempt(accounts, address),
      { status: 401 },
      `#${i}`,
    );
  }
}

Deno.test("accounts.login - after 5 failures from one address each attempt waits twice as long, capped", async () => {
  await withAccounts(async (store, accounts) => {
    await failFreely(accounts);
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      // Refused attempts are not checked at all: even the right password waits.
      const refused = await attempt(accounts, ATTACKER, PASSWORD);
      assert.equal(refused.status, 429, `wait #${i}`);
      waits.push(refused.retryAfterS!);
      store.clock.advance(refused.retryAfterS! * 1000 - 1);
      assert.equal((await attempt(accounts, ATTACKER)).status, 429);
      store.clock.advance(1);
      assert.equal((await attempt(accounts, ATTACKER)).status, 401);
    }
    // Each wait doubles the one before until the cap, then stays there.
    assert.equal(waits[0], FIRST_WAIT_S);
    for (let i = 1; i < waits.length; i++) {
      assert.equal(
        waits[i],
        Math.min(MAX_WAIT_S, waits[i - 1] * 2),
        `${waits}`,
      );
    }
    assert.equal(Math.max(...waits), MAX_WAIT_S);
  });
});

Deno.test("accounts.login - a success resets that address's backoff", async () => {
  await withAccounts(async (store, accounts) => {
    await failFreely(accounts);
    const refused = await attempt(accounts, ATTACKER, PASSWORD);
    assert.equal(refused.status, 429);
    store.clock.advance(refused.retryAfterS! * 1000);
    assert.equal((await attempt(accounts, ATTACKER, PASSWORD)).status, 200);
    // A fresh start: the free failures again, then the first wait.
    await failFreely(accounts);
    assert.deepEqual(await attempt(accounts, ATTACKER), {
      status: 429,
      retryAfterS: FIRST_WAIT_S,
    });
  });
});

Deno.test("accounts.login - one address's failures do not stop the owner at another address", async () => {
  await withAccounts(async (_store, accounts) => {
    const answers = [];
    for (let i = 0; i < 20; i++) {
      answers.push(await attempt(accounts, ATTACKER));
    }
    assert.equal((await attempt(accounts, OWNER_HOME, PASSWORD)).status, 200);
    assert.equal(answers.filter((a) => a.status === 401).length, FREE_FAILURES);
    assert.equal(
      answers.filter((a) => a.status === 429).length,
      20 - FREE_FAILURES,
    );
    assert.equal((await attempt(accounts, ATTACKER, PASSWORD)).status, 429);
    // The owner's own mistakes start their own count, from zero.
    await failFreely(accounts, OWNER_HOME);
  });
});

Deno.test("accounts.login - a streak is forgotten an hour after its last failure", async () => {
  await withAccounts(async (store, accounts) => {
    await failFreely(accounts);
    assert.equal((await attempt(accounts, ATTACKER)).status, 429);
    store.clock.advance(FORGET_AFTER_MS);
    await failFreely(accounts);
    assert.equal((await attempt(accounts, ATTACKER)).status, 429);
  });
});

Deno.test("accounts.login - concurrent guesses from one address get only the free failures checked", async () => {
  await withAccounts(async (_store, accounts) => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => attempt(accounts, ATTACKER)),
    );
    assert.equal(answers.filter((a) => a.status === 401).length, FREE_FAILURES);
    assert.equal(
      answers.filter((a) => a.status === 429).length,
      20 - FREE_FAILURES,
    );
  });
});

Deno.test("accounts.login - one address is limited across handles (credential stuffing)", async () => {
  const handles = Array.from(
    { length: PER_ADDRESS + 1 },
    (_, i) => `user_${i}`,
  );
  await withAccounts(async (_store, accounts) => {
    for (let i = 0; i < PER_ADDRESS; i++) {
      assert.equal(
        (await attempt(accounts, ATTACKER, WRONG, handles[i])).status,
        401,
      );
    }
    const refused = await attempt(accounts, ATTACKER, PASSWORD, handles.at(-1));
    assert.equal(refused.status, 429);
    assert.equal(
      (await attempt(accounts, OWNER_HOME, PASSWORD, handles.at(-1))).status,
      200,
    );
  }, handles);
});

Deno.test("accounts.login - past a handle's global ceiling each address gets one free failure, and the owner still signs in", async () => {
  await withAccounts(async (_store, accounts) => {
    // Distributed guessing: many addresses, each within its free failures.
    for (let i = 0; i < HANDLE_CEILING / FREE_FAILURES; i++) {
      await failFreely(accounts, `192.0.2.${i}`);
    }
    assert.equal((await attempt(accounts, "192.0.2.200")).status, 401);
    assert.deepEqual(await attempt(accounts, "192.0.2.200"), {
      status: 429,
      retryAfterS: FIRST_WAIT_S,
    });
    // Slowed, not locked: the owner's first try from a fresh address goes through.
    assert.equal((await attempt(accounts, OWNER_HOME, PASSWORD)).status, 200);
  });
});
