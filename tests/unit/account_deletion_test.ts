import assert from "node:assert/strict";
import { DECOY_HASH, hashPassword } from "../../lib/auth/password.ts";
import { HANDLE_GRACE_MS } from "../../lib/db/account_deletions.ts";
import type { User } from "../../lib/db/users.ts";
import { createDeletionRunner } from "../../lib/services/account_deletion.ts";
import { createServices, type Services } from "../../lib/services/mod.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { dumpKv, openTestStore, type TestStore } from "../helpers/store.ts";

const AT = { lat: 38.7223, lng: -9.1393 };
const PASSWORD = "correct horse battery";
const MY_TEXTS = ["first secret of ana", "second secret of ana", "reply ana"];

/** Ana (with a real password) owns a room Ben joined; both talk; Ana reacts to Ben. */
async function setUp(store: TestStore) {
  const services = createServices(store, { sessionTtlMs: 3_600_000 });
  const { users } = services.repos;
  const ana = await users.createUser({
    handle: "Ana",
    displayName: "Ana",
    password: await hashPassword(PASSWORD),
  });
  const ben = await users.createUser({
    handle: "ben",
    displayName: "Ben",
    password: DECOY_HASH,
  });
  const room = await services.rooms.createRoom(ana, {
    name: "Praça",
    description: "",
    ...AT,
    radiusM: 300,
    category: "social",
  });
  await services.rooms.joinRoom(ben, room.id, { ...AT, accuracy: 10 });
  const send = (u: User, text: string, clientId: string, threadRoot?: number) =>
    services.chat.sendMessage(u, room.id, {
      text,
      clientId,
      threadRoot,
      category: "social",
    });
  const first = await send(ana, MY_TEXTS[0], "c1");
  const bens = await send(ben, "ben stays", "c2");
  await send(ana, MY_TEXTS[1], "c3");
  await send(ana, MY_TEXTS[2], "c4", bens.message.seq);
  await services.actions.editMessage(
    ana,
    room.id,
    first.message.seq,
    "edited secret of ana",
  );
  await services.actions.setReaction(
    ana,
    room.id,
    bens.message.seq,
    "👍",
    true,
  );
  await services.repos.sessions.createSession(ana.id);
  return { services, ana, ben, roomId: room.id, benSeq: bens.message.seq };
}

/** Asserts the account is gone: no session, no login, texts gone, member.left logged. */
async function assertDeleted(
  store: TestStore,
  services: Services,
  ana: User,
  roomId: string,
) {
  const dump = await dumpKv(store.kv);
  for (const t of [...MY_TEXTS, "edited secret of ana"]) {
    assert.ok(!dump.includes(t), `"${t}" is still stored`);
  }
  assert.ok(dump.includes("ben stays"));
  assert.ok(!dump.includes(ana.password.hash), "the password hash is kept");
  assert.equal(await services.repos.deletions.getDeletion(ana.id), null);
  assert.deepEqual(
    await services.repos.sessions.listSessionsByUser(ana.id),
    [],
  );
  assert.equal(await services.repos.users.getUser(ana.id), null);
  await assert.rejects(
    services.accounts.login({ handle: "ana", password: PASSWORD }, "a"),
    (e) => e instanceof AppError && e.status === 401,
  );
  assert.equal(await services.repos.members.getMember(roomId, ana.id), null);
  const events = await services.repos.log.listEventsBetween(roomId, 0, 1e9);
  assert.ok(
    events.some((e) => e.kind === "member.left" && e.userId === ana.id),
    "no member.left event for the deleted account",
  );
  const { items } = await services.repos.messages.listMessages(roomId, {
    limit: 50,
  });
  const mine = items.filter((m) => m.author.id === ana.id);
  assert.equal(mine.length, 3);
  assert.ok(mine.every((m) => m.deleted && m.text === ""));
  assert.ok(items.every((m) => m.reactions.length === 0), "reaction kept");
}

Deno.test("account deletion - a crash in a step leaves the job stored; the sweep resumes and finishes", async () => {
  const store = await openTestStore();
  try {
    const { services, ana, roomId } = await setUp(store);
    const { repos } = services;
    let calls = 0;
    const crashing = createDeletionRunner({
      ...repos,
      actions: {
        ...repos.actions,
        deleteMessage: (...args) => {
          // The second tombstone of the messages step fails, as a crash would.
          if (++calls === 2) throw new Error("crash");
          return repos.actions.deleteMessage(...args);
        },
      },
    });
    assert.ok(await repos.deletions.begin(ana.id));
    await assert.rejects(crashing.runDeletion(ana.id), /crash/);
    const job = await repos.deletions.getDeletion(ana.id);
    assert.equal(job?.step, "messages");
    // Already signed out and out of the room before the crash.
    assert.deepEqual(await repos.sessions.listSessionsByUser(ana.id), []);
    assert.equal(await repos.members.getMember(roomId, ana.id), null);
    assert.equal(await services.accountSelf.resumeDeletions(), 1);
    await assertDeleted(store, services, ana, roomId);
  } finally {
    store.kv.close();
  }
});

Deno.test("account deletion - deleting twice (and rerunning the job) is harmless", async () => {
  const store = await openTestStore();
  try {
    const { services, ana, roomId } = await setUp(store);
    await assert.rejects(
      services.accountSelf.deleteAccount(ana, "not my password"),
      (e) => e instanceof AppError && e.code === "wrong_password",
    );
    assert.ok(await services.repos.users.getUser(ana.id), "deleted anyway");
    await services.accountSelf.deleteAccount(ana, PASSWORD);
    await assertDeleted(store, services, ana, roomId);
    const before = await dumpKv(store.kv);
    assert.equal(await services.repos.deletions.begin(ana.id), null);
    assert.equal(
      await createDeletionRunner(services.repos).runDeletion(ana.id),
      false,
    );
    assert.equal(await services.accountSelf.resumeDeletions(), 0);
    assert.equal(await dumpKv(store.kv), before);
  } finally {
    store.kv.close();
  }
});

Deno.test("account deletion - the handle stays reserved for the grace period, then is free", async () => {
  const store = await openTestStore();
  try {
    const { services, ana } = await setUp(store);
    await services.accountSelf.deleteAccount(ana, PASSWORD);
    const input = {
      handle: "ANA",
      displayName: "New Ana",
      password: DECOY_HASH,
    };
    const taken = (e: unknown) =>
      e instanceof AppError && e.code === "handle_taken";
    await assert.rejects(services.repos.users.createUser(input), taken);
    store.clock.advance(HANDLE_GRACE_MS - 1);
    await assert.rejects(services.repos.users.createUser(input), taken);
    store.clock.advance(1);
    const fresh = await services.repos.users.createUser(input);
    assert.notEqual(fresh.id, ana.id);
    assert.equal(
      (await services.repos.users.getUserByHandle("ana"))?.id,
      fresh.id,
    );
    // The new owner's handle is an ordinary one: a second claim is refused.
    await assert.rejects(services.repos.users.createUser(input), taken);
  } finally {
    store.kv.close();
  }
});
