import assert from "node:assert/strict";
import { hashToken } from "../../lib/db/sessions.ts";
import {
  api,
  createRoom,
  joinRoom,
  registerUser,
  sendMessage,
  setReaction,
  type TestUser,
} from "../helpers/api.ts";
import { scanKvFile } from "../helpers/events.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import { connect, connectOnBothIsolates, within } from "../helpers/ws.ts";

const PASSWORD = "correct horse battery";
const AT = { lat: 52.52, lng: 13.405 };

/** Signs `u` in again: the same user with a second session token. */
async function secondSession(base: string, u: TestUser): Promise<TestUser> {
  const res = await api(base, "/auth/login", {
    body: { handle: u.user.handle, password: PASSWORD },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { ...u, token: res.body.token };
}

/** Runs `body` against a fresh server, stopping it cleanly afterwards. */
async function withServer(body: (s: TestServer) => Promise<void>) {
  const server = await startServer();
  try {
    await body(server);
  } finally {
    assert.equal(await server.stop(), 0);
  }
}

const me = (base: string, u: TestUser) => api(base, "/me", { token: u.token });

Deno.test("account - changing the password signs out the other sessions (sockets closed 1008) and keeps this one", () =>
  withServer(async ({ url }) => {
    const ana = await registerUser(url, "pw");
    const other = await secondSession(url, ana);
    const doomed = await connectOnBothIsolates(url, [other], 2);
    const kept = await connect(url, ana);
    const res = await api(url, "/me/password", {
      token: ana.token,
      body: { oldPassword: PASSWORD, newPassword: "a brand new secret" },
    });
    assert.equal(res.status, 200);
    assert.match(res.type, /application\/json/);
    assert.deepEqual(res.body, { revokedSessions: 1 });
    for (const s of doomed) {
      const ev = await within(s.ws.closed, 2_000, `close on ${s.isolate}`);
      assert.equal(ev.code, 1008);
    }
    assert.equal((await me(url, ana)).status, 200);
    assert.equal((await me(url, other)).status, 401);
    kept.ws.send({ type: "ping", id: "still" });
    await kept.ws.next((f) => f.type === "pong" && f.id === "still");
    await kept.ws.close();
    const login = (password: string) =>
      api(url, "/auth/login", { body: { handle: ana.user.handle, password } });
    assert.equal((await login(PASSWORD)).status, 401);
    assert.equal((await login("a brand new secret")).status, 200);
  }));

Deno.test("account - a wrong old password is refused (400) and changes nothing", () =>
  withServer(async ({ url }) => {
    const ana = await registerUser(url, "pw");
    const other = await secondSession(url, ana);
    const res = await api(url, "/me/password", {
      token: ana.token,
      body: { oldPassword: "not the password", newPassword: "whatever else" },
    });
    assert.equal(res.status, 400);
    assert.match(res.type, /application\/json/);
    assert.equal(res.body.error.code, "wrong_password");
    assert.equal((await me(url, other)).status, 200);
    const short = await api(url, "/me/password", {
      token: ana.token,
      body: { oldPassword: PASSWORD, newPassword: "short" },
    });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.code, "invalid_request");
    assert.equal((await secondSession(url, ana)).user.id, ana.user.id);
  }));

Deno.test("account - display name: changed, validated, and shown by /me", () =>
  withServer(async ({ url }) => {
    const ana = await registerUser(url, "nm");
    const bad = await api(url, "/me", {
      method: "PATCH",
      token: ana.token,
      body: { displayName: "evil\u202Eeman" },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "invalid_request");
    const res = await api(url, "/me", {
      method: "PATCH",
      token: ana.token,
      body: { displayName: "  Ana Maria  " },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.displayName, "Ana Maria");
    assert.equal((await me(url, ana)).body.displayName, "Ana Maria");
  }));

Deno.test("account - my sessions are listed with this one marked, and one can be revoked", () =>
  withServer(async ({ url }) => {
    const ana = await registerUser(url, "ss");
    const other = await secondSession(url, ana);
    const third = await secondSession(url, ana);
    const list = await api(url, "/me/sessions", { token: ana.token });
    assert.equal(list.status, 200);
    assert.match(list.type, /application\/json/);
    assert.equal(list.headers.get("cache-control"), "no-store");
    const items = list.body.items as { id: string; current: boolean }[];
    assert.equal(items.length, 3);
    assert.equal(items.filter((s) => s.current).length, 1);
    const text = JSON.stringify(list.body);
    for (const t of [ana, other, third]) {
      assert.ok(!text.includes(t.token));
      assert.ok(!text.includes(await hashToken(t.token)), "a full hash leaked");
    }
    const otherId = (await hashToken(other.token)).slice(0, 16);
    assert.ok(items.some((s) => s.id === otherId && !s.current));
    const del = (id: string) =>
      api(url, `/me/sessions/${id}`, { method: "DELETE", token: ana.token });
    assert.equal((await del(otherId)).status, 204);
    assert.equal((await me(url, other)).status, 401);
    assert.equal((await del(otherId)).status, 404);
    assert.equal((await del("not-an-id")).status, 400);
    const rest = await api(url, "/me/sessions/revoke-others", {
      method: "POST",
      token: ana.token,
    });
    assert.deepEqual(rest.body, { revoked: 1 });
    assert.equal((await me(url, third)).status, 401);
    assert.equal((await me(url, ana)).status, 200);
  }));

/** Ana owns a room Ben joined; both talk, react and mention each other. */
async function chatter(url: string) {
  const ana = await registerUser(url, "ana");
  const ben = await registerUser(url, "ben");
  const room = await createRoom(url, ana, AT, { name: "Plaza" });
  await joinRoom(url, ben, room.id, AT);
  const anaTexts = ["ana says hello 7f3a", "ana thinks 91bc"];
  const benTexts = [`ben's own words c0de @${ana.user.handle}`, "ben 2 e11e"];
  for (const [i, t] of anaTexts.entries()) {
    assert.equal(
      (await sendMessage(url, ana, room.id, t, `a${i}`)).status,
      201,
    );
  }
  const benSeqs: number[] = [];
  for (const [i, t] of benTexts.entries()) {
    const res = await sendMessage(url, ben, room.id, t, `b${i}`);
    assert.equal(res.status, 201);
    benSeqs.push(res.body.seq);
  }
  assert.equal(
    (await setReaction(url, ana, room.id, benSeqs[0], "🎉", true)).status,
    200,
  );
  return { ana, ben, room, anaTexts, benTexts };
}

Deno.test("account - export holds my profile, memberships, messages, reactions and nothing of another user's text", () =>
  withServer(async ({ url }) => {
    const { ana, room, anaTexts, benTexts } = await chatter(url);
    const res = await api(url, "/me/export", { token: ana.token });
    assert.equal(res.status, 200);
    assert.match(res.type, /application\/json/);
    assert.match(res.headers.get("content-disposition") ?? "", /attachment/);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const doc = res.body;
    assert.equal(doc.profile.id, ana.user.id);
    assert.deepEqual(
      doc.memberships.map((
        m: { roomId: string; roomName: string; role: string },
      ) => [m.roomId, m.roomName, m.role]),
      [[room.id, "Plaza", "owner"]],
    );
    assert.deepEqual(
      doc.messages.map((m: { text: string }) => m.text),
      anaTexts,
    );
    assert.equal(doc.reactions.length, 1);
    assert.equal(doc.reactions[0].emoji, "🎉");
    assert.equal(doc.notifications.length, 1);
    assert.deepEqual(doc.prefs, { privateReading: false });
    assert.deepEqual(doc.truncated, []);
    const text = JSON.stringify(doc);
    for (const t of benTexts) assert.ok(!text.includes(t.slice(0, 12)), t);
    for (const secret of ["pbkdf2", "salt", ana.token]) {
      assert.ok(!text.includes(secret), `export holds ${secret}`);
    }
  }));

Deno.test("account - deleting my account: signed out everywhere, out of rooms, texts gone, handle reserved", () =>
  withServer(async ({ url, kvPath }) => {
    const { ana, ben, room, anaTexts } = await chatter(url);
    const socket = await connect(url, ana);
    const wrong = await api(url, "/me/delete", {
      token: ana.token,
      body: { password: "not it at all" },
    });
    assert.equal(wrong.status, 400);
    assert.equal((await me(url, ana)).status, 200);
    const res = await api(url, "/me/delete", {
      token: ana.token,
      body: { password: PASSWORD },
    });
    assert.equal(res.status, 204);
    assert.equal((await within(socket.ws.closed, 2_000, "close")).code, 1008);
    assert.equal((await me(url, ana)).status, 401);
    const login = await api(url, "/auth/login", {
      body: { handle: ana.user.handle, password: PASSWORD },
    });
    assert.equal(login.status, 401);
    const again = await api(url, "/me/delete", {
      token: ana.token,
      body: { password: PASSWORD },
    });
    assert.equal(again.status, 401);
    const msgs = await api(url, `/rooms/${room.id}/messages`, {
      token: ben.token,
    });
    const mine = msgs.body.items.filter((m: { author: { id: string } }) =>
      m.author.id === ana.user.id
    );
    assert.equal(mine.length, 2);
    assert.ok(
      mine.every((m: { deleted: boolean; text: string }) =>
        m.deleted && m.text === ""
      ),
    );
    const reclaim = await api(url, "/auth/register", {
      body: {
        handle: ana.user.handle,
        displayName: "Impostor",
        password: PASSWORD,
      },
    });
    assert.equal(reclaim.status, 409);
    const dump = await scanKvFile(kvPath);
    for (const t of anaTexts) assert.ok(!dump.includes(t), `"${t}" remains`);
    assert.ok(
      dump.includes(`"kind":"member.left","userId":"${ana.user.id}"`),
      "no member.left event",
    );
    assert.ok(!dump.includes(`["account_deletions"`), "the job is left over");
  }));

Deno.test("account - the settings forms work without JavaScript and refuse other sites", () =>
  withServer(async ({ url }) => {
    const ana = await registerUser(url, "form");
    const post = (path: string, fields: Record<string, string>, origin = url) =>
      fetch(`${url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: ana.cookie, origin },
        body: new URLSearchParams(fields),
      });
    const page = await fetch(`${url}/settings`, {
      headers: { cookie: ana.cookie },
    });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await page.text(), /This device/);
    const anon = await fetch(`${url}/settings`, { redirect: "manual" });
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.get("location"), "/login?next=%2Fsettings");
    const foreign = await post(
      "/settings/name",
      { displayName: "X" },
      "https://evil.example",
    );
    assert.equal(foreign.status, 403);
    await foreign.body?.cancel();
    const wrong = await post("/settings/password", {
      oldPassword: "not the password",
      newPassword: "a new secret",
    });
    assert.equal(wrong.status, 400);
    assert.match(await wrong.text(), /That password is wrong/);
    const gone = await post("/settings/delete", { password: PASSWORD });
    assert.equal(gone.status, 303);
    assert.equal(gone.headers.get("location"), "/");
    assert.match(gone.headers.get("set-cookie") ?? "", /vicinity_session=;/);
    await gone.body?.cancel();
    assert.equal((await me(url, ana)).status, 401);
  }));
