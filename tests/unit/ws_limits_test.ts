import assert from "node:assert/strict";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import { createHub, type Hub } from "../../lib/chat/hub.ts";
import {
  createFrameBucket,
  createSocketCounts,
} from "../../lib/chat/limits.ts";
import { createSessions, hashToken } from "../../lib/db/sessions.ts";
import type { User } from "../../lib/db/users.ts";
import { createServices } from "../../lib/services/mod.ts";
import { FRAME_BURST, FRAMES_PER_SECOND } from "../../lib/shared/protocol.ts";
import { openTestStore } from "../helpers/store.ts";
import { openWs, within, type WsClient } from "../helpers/ws.ts";

const TTL_MS = 60_000;

Deno.test("frame bucket - a full burst passes, one more fails, and it refills at the rate", () => {
  let t = 0;
  const bucket = createFrameBucket(FRAME_BURST, FRAMES_PER_SECOND, () => t);
  for (let i = 0; i < FRAME_BURST; i++) assert.ok(bucket.take(), `frame ${i}`);
  assert.equal(bucket.take(), false);
  t += 1_000;
  for (let i = 0; i < FRAMES_PER_SECOND; i++) assert.ok(bucket.take());
  assert.equal(bucket.take(), false);
  // A long pause refills it to the burst, never beyond.
  t += 3_600_000;
  for (let i = 0; i < FRAME_BURST; i++) assert.ok(bucket.take());
  assert.equal(bucket.take(), false);
});

Deno.test("socket counts - one over the user or address cap is refused 429 until one leaves", () => {
  const counts = createSocketCounts({ perUser: 2, perAddress: 3 });
  counts.count("U", "A", 1);
  counts.count("U", "A", 1);
  const user = counts.refusal("U", "B");
  assert.equal(user?.status, 429);
  assert.equal(user?.code, "too_many_connections");
  assert.deepEqual(user?.details, { scope: "user", limit: 2 });
  assert.equal(counts.refusal("V", "A"), null);
  counts.count(null, "A", 1);
  assert.deepEqual(counts.refusal(null, "A")?.details, {
    scope: "address",
    limit: 3,
  });
  counts.count("U", "A", -1);
  assert.equal(counts.refusal("U", "A"), null);
});

Deno.test("deleteSessionsByUser - revokes every session but the kept one and reports each", async () => {
  const store = await openTestStore();
  try {
    const heard: [string, string][] = [];
    const sessions = createSessions(
      store,
      TTL_MS,
      (u, h) => heard.push([u, h]),
    );
    const tokens = await Promise.all(
      [1, 2, 3].map(async () => (await sessions.createSession("U")).token),
    );
    const other = (await sessions.createSession("V")).token;
    const keep = await hashToken(tokens[0]);
    assert.equal(await sessions.deleteSessionsByUser("U", { except: keep }), 2);
    assert.ok(await sessions.getSession(tokens[0]));
    for (const t of tokens.slice(1)) {
      assert.equal(await sessions.getSession(t), null);
    }
    assert.ok(await sessions.getSession(other));
    const revoked = await Promise.all(tokens.slice(1).map(hashToken));
    assert.deepEqual(
      heard.sort(),
      revoked.map((h) => ["U", h] as [string, string]).sort(),
    );
    await sessions.deleteSession(tokens[0]);
    await sessions.deleteSession(tokens[0]);
    assert.equal(heard.length, 3, "revoking twice reports once");
  } finally {
    store.kv.close();
  }
});

/** Serves a hub's sockets on 127.0.0.1, each signed in as `user` by its bearer token. */
function serve(hub: Hub, user: User) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const token = req.headers.get("authorization")!.slice("Bearer ".length);
      const tokenHash = await hashToken(token);
      const { socket, response } = Deno.upgradeWebSocket(req);
      hub.accept(socket, user, { address: "127.0.0.1", tokenHash });
      return response;
    },
  );
  return { server, base: `http://127.0.0.1:${server.addr.port}` };
}

async function setup(opts: { broadcast: boolean; revalidateMs: number }) {
  const store = await openTestStore();
  const services = createServices(store, { sessionTtlMs: TTL_MS });
  const user = await services.repos.users.createUser({
    handle: "unit_rv",
    displayName: "Unit",
    password: DECOY_HASH,
  });
  const hubs = [0, 1].map(() => createHub({ kv: store.kv, services, ...opts }));
  // The revocation is heard by one isolate: the one that served the logout.
  services.signals.current = hubs[0];
  const served = hubs.map((h) => serve(h, user));
  const open = async (isolate: number, token: string): Promise<WsClient> => {
    const ws = await openWs(served[isolate].base, {
      authorization: `Bearer ${token}`,
    });
    await ws.next((f) => f.type === "ready");
    return ws;
  };
  const session = async () =>
    (await services.repos.sessions.createSession(user.id)).token;
  const done = async () => {
    await Promise.all(hubs.map((h) => h.close()));
    await Promise.all(served.map((s) => s.server.shutdown()));
    store.kv.close();
  };
  return { store, services, open, session, done };
}

Deno.test("revocation - with broadcast off, the other isolate closes a revoked session's sockets at its next re-read", async () => {
  const { store, services, open, session, done } = await setup({
    broadcast: false,
    revalidateMs: 100,
  });
  const [doomed, kept, expiring] = [
    await session(),
    await session(),
    await session(),
  ];
  const here = await open(0, doomed);
  const there = await open(1, doomed);
  const others = [await open(0, kept), await open(1, kept)];
  await services.repos.sessions.deleteSession(doomed);
  // Here at once; there only by re-reading the session, since no hint can arrive.
  const local = await within(here.closed, 1_000, "local close");
  assert.deepEqual([local.code, local.reason], [1008, "session revoked"]);
  const remote = await within(there.closed, 2_000, "close by re-read");
  assert.deepEqual([remote.code, remote.reason], [1008, "session revoked"]);
  for (const ws of others) {
    ws.send({ type: "ping", id: "still" });
    assert.equal((await ws.next((f) => f.type === "pong")).id, "still");
  }
  // An expired session ends the same way, on the re-read after its expiry.
  const late = await open(1, expiring);
  store.clock.advance(TTL_MS);
  const expired = await within(late.closed, 2_000, "close on expiry");
  assert.deepEqual([expired.code, expired.reason], [1008, "session expired"]);
  await Promise.all([...others].map((ws) => ws.close()));
  await done();
});

Deno.test("revocation - with broadcast on, the other isolate closes at once, without waiting for a re-read", async () => {
  const { services, open, session, done } = await setup({
    broadcast: true,
    revalidateMs: 60_000,
  });
  const token = await session();
  const sockets = [await open(0, token), await open(1, token)];
  await services.repos.sessions.deleteSession(token);
  for (const ws of sockets) {
    const ev = await within(ws.closed, 1_000, "close");
    assert.deepEqual([ev.code, ev.reason], [1008, "session revoked"]);
  }
  await done();
});
