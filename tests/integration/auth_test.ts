import assert from "node:assert/strict";
import { api, registerUser, uniqueHandle } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";

const PASSWORD = "correct horse battery";

Deno.test("auth - register, login, logout against the real server", async (t) => {
  const server = await startServer();
  const base = server.url;
  try {
    await t.step(
      "register answers the user and a token and sets an HttpOnly cookie",
      async () => {
        const handle = uniqueHandle("reg");
        const res = await api(base, "/auth/register", {
          body: { handle, displayName: "  Reggie  ", password: PASSWORD },
        });
        assert.equal(res.status, 201);
        assert.match(res.type, /application\/json/);
        assert.equal(res.body.user.handle, handle);
        assert.equal(res.body.user.displayName, "Reggie");
        assert.ok(res.body.token.length >= 22);
        assert.equal("password" in res.body.user, false);
        const cookie = res.headers.get("set-cookie") ?? "";
        assert.match(cookie, /^vicinity_session=/);
        assert.match(cookie, /HttpOnly/i);
        assert.match(cookie, /SameSite=Lax/i);
      },
    );

    await t.step(
      "the token works as a bearer token and as a cookie",
      async () => {
        const u = await registerUser(base);
        const byBearer = await api(base, "/me", { token: u.token });
        assert.equal(byBearer.status, 200);
        assert.equal(byBearer.body.id, u.user.id);
        const byCookie = await api(base, "/me", {
          headers: { cookie: u.cookie },
        });
        assert.equal(byCookie.status, 200);
        assert.equal(byCookie.body.id, u.user.id);
      },
    );

    await t.step("a handle is unique regardless of case", async () => {
      const u = await registerUser(base, "dup");
      const res = await api(base, "/auth/register", {
        body: {
          handle: u.user.handle.toUpperCase(),
          displayName: "X",
          password: PASSWORD,
        },
      });
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, "handle_taken");
    });

    await t.step(
      "login with a wrong password or unknown handle is one 401",
      async () => {
        const u = await registerUser(base, "lg");
        const wrong = await api(base, "/auth/login", {
          body: { handle: u.user.handle, password: "not the password" },
        });
        assert.equal(wrong.status, 401);
        assert.equal(wrong.body.error.code, "bad_credentials");
        const unknown = await api(base, "/auth/login", {
          body: { handle: uniqueHandle("nobody"), password: PASSWORD },
        });
        assert.equal(unknown.status, 401);
        assert.deepEqual(unknown.body, wrong.body);
      },
    );

    await t.step("logout kills that token and only that token", async () => {
      const u = await registerUser(base, "out");
      const second = await api(base, "/auth/login", {
        body: { handle: u.user.handle, password: PASSWORD },
      });
      assert.equal(second.status, 200);
      const out = await api(base, "/auth/logout", {
        method: "POST",
        token: u.token,
      });
      assert.equal(out.status, 204);
      assert.equal((await api(base, "/me", { token: u.token })).status, 401);
      assert.equal(
        (await api(base, "/me", { token: second.body.token })).status,
        200,
      );
    });

    await t.step(
      "a bad register writes nothing: the handle stays free",
      async () => {
        const handle = uniqueHandle("half");
        const bad = await api(base, "/auth/register", {
          body: { handle, displayName: "H", password: "short" },
        });
        assert.equal(bad.status, 400);
        assert.equal(bad.body.error.code, "invalid_request");
        assert.ok(Array.isArray(bad.body.error.details));
        assert.equal(bad.body.error.details[0].path, "password");
        const good = await api(base, "/auth/register", {
          body: { handle, displayName: "H", password: PASSWORD },
        });
        assert.equal(good.status, 201);
      },
    );

    await t.step(
      "requests without a session get 401 in the error shape",
      async () => {
        const res = await api(base, "/me");
        assert.equal(res.status, 401);
        assert.match(res.type, /application\/json/);
        assert.deepEqual(Object.keys(res.body.error).sort(), [
          "code",
          "message",
        ]);
        assert.equal(res.body.error.code, "unauthorized");
        const forged = await api(base, "/me", { token: "A".repeat(43) });
        assert.equal(forged.status, 401);
      },
    );
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
