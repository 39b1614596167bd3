import assert from "node:assert/strict";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import { keys } from "../../lib/db/keys.ts";
import { createSessions, hashToken } from "../../lib/db/sessions.ts";
import { createUsers } from "../../lib/db/users.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { allEntries, dumpKv, openTestStore } from "../helpers/store.ts";

const HOUR = 3_600_000;

const b64urlBytes = (s: string) =>
  atob(
    s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4),
  )
    .length;

const newUser = (handle: string) => ({
  handle,
  displayName: `Name of ${handle}`,
  password: DECOY_HASH,
});

Deno.test("createUser - a handle differing only in case is taken (409 handle_taken)", async () => {
  const store = await openTestStore();
  try {
    const users = createUsers(store);
    const first = await users.createUser(newUser("Alice_1"));
    await assert.rejects(
      users.createUser(newUser("aLICE_1")),
      (err) =>
        err instanceof AppError && err.status === 409 &&
        err.code === "handle_taken",
    );
    assert.equal((await users.getUserByHandle("ALICE_1"))?.id, first.id);
    assert.equal((await users.getUser(first.id))?.handle, "Alice_1");
  } finally {
    store.kv.close();
  }
});

Deno.test("createUser - a refused duplicate writes nothing", async () => {
  const store = await openTestStore();
  try {
    const users = createUsers(store);
    await users.createUser(newUser("bob"));
    const before = await allEntries(store.kv);
    assert.equal(before.length, 2); // the user and its handle index
    await assert.rejects(users.createUser(newUser("BOB")), AppError);
    const after = await allEntries(store.kv);
    assert.deepEqual(after, before);
  } finally {
    store.kv.close();
  }
});

Deno.test("createUser - stores the record and its lower-cased handle index together", async () => {
  const store = await openTestStore();
  try {
    const user = await createUsers(store).createUser(newUser("Carol"));
    const [record, index] = await store.kv.getMany([
      keys.user(user.id),
      keys.userByHandle("carol"),
    ]);
    assert.deepEqual(record.value, user);
    assert.equal(index.value, user.id);
    assert.equal(record.versionstamp, index.versionstamp);
    assert.equal(user.createdAt, store.clock.now());
  } finally {
    store.kv.close();
  }
});

Deno.test("getUserByHandle - null for an unknown handle", async () => {
  const store = await openTestStore();
  try {
    const users = createUsers(store);
    assert.equal(await users.getUserByHandle("nobody"), null);
    assert.equal(await users.getUser("01ARZ3NDEKTSV4RRFFQ69G5FAV"), null);
  } finally {
    store.kv.close();
  }
});

Deno.test("createSession - the token has at least 128 bits and only its hash is stored", async () => {
  const store = await openTestStore();
  try {
    const sessions = createSessions(store, HOUR);
    const a = await sessions.createSession("USER_A");
    const b = await sessions.createSession("USER_A");
    assert.ok(b64urlBytes(a.token) >= 16, a.token);
    assert.match(a.token, /^[A-Za-z0-9_-]+$/);
    assert.notEqual(a.token, b.token);
    assert.equal(a.expiresAt, store.clock.now() + HOUR);

    const dump = await dumpKv(store.kv);
    assert.ok(!dump.includes(a.token), "raw token A found in KV");
    assert.ok(!dump.includes(b.token), "raw token B found in KV");
    const hash = await hashToken(a.token);
    const [session, index] = await store.kv.getMany([
      keys.session(hash),
      keys.sessionByUser("USER_A", hash),
    ]);
    assert.deepEqual(session.value, {
      userId: "USER_A",
      createdAt: store.clock.now(),
      expiresAt: a.expiresAt,
    });
    assert.equal(index.value, a.expiresAt);
  } finally {
    store.kv.close();
  }
});

Deno.test("getSession - null once the clock reaches expiresAt, though the key remains", async () => {
  const store = await openTestStore();
  try {
    const sessions = createSessions(store, HOUR);
    const { token, expiresAt } = await sessions.createSession("USER_A");
    assert.equal((await sessions.getSession(token))?.userId, "USER_A");

    store.clock.set(expiresAt - 1);
    assert.equal((await sessions.getSession(token))?.userId, "USER_A");

    store.clock.set(expiresAt);
    assert.equal(await sessions.getSession(token), null);
    store.clock.advance(HOUR);
    assert.equal(await sessions.getSession(token), null);

    // KV's expireIn runs on real time, so the entry is still there: only the clock check hides it.
    const entry = await store.kv.get(keys.session(await hashToken(token)));
    assert.notEqual(entry.value, null);
  } finally {
    store.kv.close();
  }
});

Deno.test("getSession - null for unknown, too short and too long tokens", async () => {
  const store = await openTestStore();
  try {
    const sessions = createSessions(store, HOUR);
    await sessions.createSession("USER_A");
    assert.equal(await sessions.getSession("A".repeat(43)), null);
    assert.equal(await sessions.getSession(""), null);
    assert.equal(await sessions.getSession("x".repeat(201)), null);
  } finally {
    store.kv.close();
  }
});

Deno.test("deleteSession - revokes the token and its index entry, and is idempotent", async () => {
  const store = await openTestStore();
  try {
    const sessions = createSessions(store, HOUR);
    const kept = await sessions.createSession("USER_A");
    const { token } = await sessions.createSession("USER_A");
    await sessions.deleteSession(token);
    assert.equal(await sessions.getSession(token), null);
    const hash = await hashToken(token);
    const [session, index] = await store.kv.getMany([
      keys.session(hash),
      keys.sessionByUser("USER_A", hash),
    ]);
    assert.equal(session.value, null);
    assert.equal(index.value, null);

    await sessions.deleteSession(token);
    await sessions.deleteSession("never-issued-token-xxxxxxxx");
    assert.equal(await sessions.getSession(token), null);
    // The other session of the same user is untouched.
    assert.equal((await sessions.getSession(kept.token))?.userId, "USER_A");
    assert.equal((await allEntries(store.kv)).length, 2);
  } finally {
    store.kv.close();
  }
});
