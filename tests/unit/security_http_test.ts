import assert from "node:assert/strict";
import { Hono } from "hono";
import { loadConfig } from "../../lib/config.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { createOnError } from "../../lib/http/errors.ts";
import { cookieWritesFromOwnOrigin } from "../../lib/http/origin.ts";
import { setSessionCookie } from "../../lib/http/session.ts";
import { safeNext } from "../../routes/pages/forms.ts";

const PAGE = "https://vicinity.test/login";

Deno.test("safeNext - dot segments, encoded dots and slashes never lead off-site", () => {
  const climbs = [
    "",
    "/.",
    "/..",
    "/%2e",
    "/%2E%2e",
    "/.%2e",
    "/a/..",
    "/a/../..",
  ];
  const breaks = ["//", "/\\", "\\/", "\\\\", "/%2f", "/%5c", "/\t/", "/\n/"];
  let tried = 0;
  for (const climb of climbs) {
    for (const brk of breaks) {
      for (const tail of ["evil.example", "evil.example/x?y=1#z"]) {
        const raw = `${climb}${brk}${tail}`;
        const next = safeNext(raw);
        const label = `${JSON.stringify(raw)} -> ${JSON.stringify(next)}`;
        assert.equal(
          new URL(next, PAGE).origin,
          "https://vicinity.test",
          label,
        );
        assert.match(next, /^\/(?![/\\])/, label);
        assert.equal(safeNext(next), next, `not a fixed point: ${label}`);
        tried++;
      }
    }
  }
  assert.ok(tried >= 100);
  assert.equal(safeNext("/rooms/../rooms/a?b=1#c"), "/rooms/a?b=1#c");
});

/** The origin middleware on a three-line app, with the app's real onError. */
function originApp() {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set("config", loadConfig({}));
    await next();
  });
  app.use(cookieWritesFromOwnOrigin());
  app.post("/api/write", (c) => c.json({ ok: true }, 201));
  app.onError(createOnError((c, e) => c.text(e.message, e.status)));
  return app;
}

Deno.test("cookieWritesFromOwnOrigin - only a Bearer header lifts the check on a cookie write", async () => {
  const app = originApp();
  const send = (authorization?: string) =>
    app.request("http://vicinity.test/api/write", {
      method: "POST",
      headers: {
        cookie: "vicinity_session=abc",
        origin: "https://evil.example",
        ...(authorization ? { authorization } : {}),
      },
    });
  for (const auth of [undefined, "Basic eDp5", "Digest x", "Bearerx y"]) {
    const res = await send(auth);
    assert.equal(res.status, 403, String(auth));
    assert.deepEqual((await res.json()).error.code, "bad_origin");
  }
  const bearer = await send("Bearer abc");
  assert.equal(bearer.status, 201);
  await bearer.body?.cancel();
});

/** setSessionCookie on a three-line app under the given environment. */
async function cookieFor(env: Record<string, string>, url: string) {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set("config", loadConfig(env));
    await next();
  });
  app.post("/", (c) => {
    setSessionCookie(c, "token", Date.now() + 60_000);
    return c.body(null, 204);
  });
  const res = await app.request(url, { method: "POST" });
  return {
    cookie: res.headers.get("set-cookie") ?? "",
    cache: res.headers.get("cache-control"),
  };
}

Deno.test("setSessionCookie - Secure follows the public URL, and the answer is no-store", async () => {
  const proxied = await cookieFor(
    { VICINITY_PUBLIC_URL: "https://chat.example" },
    "http://10.0.0.5:8000/",
  );
  assert.match(proxied.cookie, /;\s*Secure/i);
  assert.equal(proxied.cache, "no-store");
  const direct = await cookieFor({}, "https://chat.example/");
  assert.match(direct.cookie, /;\s*Secure/i);
  const plain = await cookieFor({}, "http://localhost:8000/");
  assert.doesNotMatch(plain.cookie, /Secure/i);
  const publicHttp = await cookieFor(
    { VICINITY_PUBLIC_URL: "http://chat.example" },
    "http://10.0.0.5:8000/",
  );
  assert.doesNotMatch(publicHttp.cookie, /Secure/i);
  const forced = await cookieFor(
    {
      VICINITY_PUBLIC_URL: "https://chat.example",
      VICINITY_COOKIE_SECURE: "false",
    },
    "http://10.0.0.5:8000/",
  );
  assert.doesNotMatch(forced.cookie, /Secure/i);
});
