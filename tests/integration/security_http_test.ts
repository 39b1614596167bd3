import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";
import { createApp } from "../../lib/http/app.ts";

const SITE = "http://vicinity.test";
const PASSWORD = "correct horse battery";

/** Ways to spell "somewhere else" that a naive same-site check lets through. */
const REDIRECT_BYPASSES = [
  "//evil.example",
  "///evil.example",
  "/..//evil.example",
  "/.//evil.example",
  "/./..//evil.example",
  "/a/../..//evil.example",
  "..//evil.example",
  "%2e%2e//evil.example",
  "/%2e%2e//evil.example",
  "/%2E%2E//evil.example",
  "/.%2e//evil.example",
  "/%2e//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  "/.\\/evil.example",
  "/..\\\\evil.example",
  "/%5c/evil.example",
  "/%2f/evil.example",
  "/%2F%2Fevil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "/.\t.//evil.example",
  "\t//evil.example",
  " //evil.example",
  "/\u0000//evil.example",
  "https://evil.example/",
  "https:/evil.example",
  "http:evil.example",
  "javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "/..//evil.example?next=/#top",
];

type App = Awaited<ReturnType<typeof withApp>>;

async function withApp(env: Record<string, string> = {}) {
  const kv = await Deno.openKv(":memory:");
  const { app, shutdown } = createApp({ kv, config: loadConfig(env) });
  let n = 0;
  // A fresh client address per request keeps the per-address limits out of the way.
  const request = (path: string, init: RequestInit = {}) =>
    app.request(`${SITE}${path}`, init, {
      remoteAddr: { transport: "tcp", hostname: `10.0.0.${++n}`, port: 1 },
    });
  return {
    request,
    close: () => {
      shutdown();
      kv.close();
    },
  };
}

function formPost(fields: Record<string, string>, headers: HeadersInit = {}) {
  return {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { origin: SITE, ...headers },
  };
}

function jsonPost(body: unknown, headers: HeadersInit = {}) {
  return {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  };
}

/** Asserts a redirect whose Location a browser resolves to this site. */
async function assertSameSite(res: Response, next: string, flow: string) {
  await res.body?.cancel();
  const label = `${flow} next=${JSON.stringify(next)}`;
  assert.equal(res.status, 303, label);
  const location = res.headers.get("location") ?? "";
  assert.equal(new URL(location, `${SITE}/login`).origin, SITE, label);
  assert.match(location, /^\/(?![/\\])/, label);
}

async function registerApi(app: App, handle: string) {
  const res = await app.request(
    "/api/v1/auth/register",
    jsonPost({ handle, displayName: handle, password: PASSWORD }),
  );
  assert.equal(res.status, 201, await res.clone().text());
  const cookie = res.headers.get("set-cookie")?.split(";")[0] ?? "";
  return { res, cookie, body: await res.json() };
}

Deno.test("login and register forms - no next parameter redirects off-site", async () => {
  const app = await withApp();
  try {
    for (const [i, next] of REDIRECT_BYPASSES.entries()) {
      const handle = `redir_${i}`;
      const fields = { handle, displayName: handle, password: PASSWORD, next };
      const reg = await app.request("/register", formPost(fields));
      await assertSameSite(reg, next, "POST /register");
      const cookie = reg.headers.get("set-cookie")?.split(";")[0] ?? "";
      const login = await app.request("/login", formPost(fields));
      await assertSameSite(login, next, "POST /login");
      const query = `?next=${encodeURIComponent(next)}`;
      for (const page of ["/login", "/register"]) {
        const signedIn = await app.request(page + query, {
          headers: { cookie },
        });
        await assertSameSite(signedIn, next, `GET ${page} signed in`);
      }
    }
  } finally {
    app.close();
  }
});

Deno.test("origin - a cookie write with a non-Bearer Authorization header still needs our origin", async () => {
  const app = await withApp();
  try {
    const { cookie, body: signedIn } = await registerApi(app, "basic_user");
    const room = {
      name: "Forged",
      lat: 48.85,
      lng: 2.35,
      radiusM: 300,
      category: "social",
    };
    const evil = { cookie, origin: "https://evil.example" };
    for (const authorization of ["Basic eDp5", "Digest x", "Token abc", "x"]) {
      const res = await app.request(
        "/api/v1/rooms",
        jsonPost(room, { ...evil, authorization }),
      );
      assert.equal(res.status, 403, authorization);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      assert.equal((await res.json()).error.code, "bad_origin", authorization);
    }
    const bearer = await app.request(
      "/api/v1/rooms",
      jsonPost(room, {
        origin: "https://integrator.example",
        authorization: `Bearer ${signedIn.token}`,
      }),
    );
    assert.equal(bearer.status, 201, "a bearer token cannot be forged");
    await bearer.body?.cancel();
  } finally {
    app.close();
  }
});

Deno.test("session cookie - Secure when VICINITY_PUBLIC_URL is https behind a plain-http proxy hop", async () => {
  const app = await withApp({ VICINITY_PUBLIC_URL: "https://chat.example" });
  try {
    const { cookie, res } = await registerApi(app, "tls_api");
    assert.match(res.headers.get("set-cookie") ?? "", /;\s*Secure/i);
    assert.ok(cookie.startsWith("vicinity_session="));
    const fields = {
      handle: "tls_form",
      displayName: "T",
      password: PASSWORD,
    };
    const form = await app.request(
      "/register",
      formPost(fields, { origin: "https://chat.example" }),
    );
    await form.body?.cancel();
    assert.equal(form.status, 303);
    assert.match(form.headers.get("set-cookie") ?? "", /;\s*Secure/i);
  } finally {
    app.close();
  }
  const forcedOff = await withApp({
    VICINITY_PUBLIC_URL: "https://chat.example",
    VICINITY_COOKIE_SECURE: "false",
  });
  try {
    const { res } = await registerApi(forcedOff, "tls_off");
    assert.doesNotMatch(res.headers.get("set-cookie") ?? "", /Secure/i);
  } finally {
    forcedOff.close();
  }
});

Deno.test("cache - responses carrying a session token are no-store", async () => {
  const app = await withApp();
  try {
    const { res: reg, body } = await registerApi(app, "cache_user");
    assert.equal(reg.headers.get("cache-control"), "no-store", "API register");
    const login = await app.request(
      "/api/v1/auth/login",
      jsonPost({ handle: "cache_user", password: PASSWORD }),
    );
    assert.equal(login.status, 200);
    assert.equal(login.headers.get("cache-control"), "no-store", "API login");
    await login.body?.cancel();
    const me = await app.request("/api/v1/me", {
      headers: { authorization: `Bearer ${body.token}` },
    });
    assert.equal(me.status, 200);
    assert.equal(me.headers.get("cache-control"), "no-store", "GET /me");
    await me.body?.cancel();
    const fields = {
      handle: "cache_form",
      displayName: "C",
      password: PASSWORD,
    };
    for (const page of ["/register", "/login"]) {
      const res = await app.request(page, formPost(fields));
      await res.body?.cancel();
      assert.equal(res.status, 303, page);
      assert.match(res.headers.get("set-cookie") ?? "", /vicinity_session=/);
      assert.equal(res.headers.get("cache-control"), "no-store", page);
    }
  } finally {
    app.close();
  }
});
