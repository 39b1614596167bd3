import assert from "node:assert/strict";
import { Hono } from "hono";
import { h } from "preact";
import RoomHeader from "../../components/RoomHeader.tsx";
import { loadConfig } from "../../lib/config.ts";
import { createApp } from "../../lib/http/app.ts";
import { renderDocument } from "../../lib/http/render.tsx";
import { AppError } from "../../lib/shared/errors.ts";
import { renderErrorPage } from "../../routes/pages/mod.tsx";
import { safeNext } from "../../routes/pages/forms.ts";

const HOSTILE = "<img src=x onerror=alert(1)>";

Deno.test("render - user text is escaped, never turned into markup", () => {
  const room = {
    id: "01ARZ3NDEKTSV4RRFFQ69G5FAW",
    kind: "proximity" as const,
    name: HOSTILE,
    description: `"><script>alert(1)</script>`,
    lat: 0,
    lng: 0,
    radiusM: 300,
    readRadiusM: 600,
    category: "social" as const,
    ownerId: "01ARZ3NDEKTSV4RRFFQ69G5FAV",
    createdAt: "2026-01-01T00:00:00.000Z",
    expiresAt: null,
    memberCount: 2,
    lastMessageAt: null,
    slowModeS: 0,
    ended: false,
  };
  // The chat's messages are covered by chat_render_test.ts; this is the page around them.
  const page = h("div", null, h(RoomHeader, { room }));
  const html = renderDocument(page, { title: HOSTILE, user: null });
  assert.ok(!html.includes("<img"), html);
  assert.ok(!html.includes("<script>alert"), html);
  assert.equal(html.split("&lt;img src=x onerror=alert(1)>").length - 1, 2);
});

Deno.test("renderErrorPage - answers an HTML page with the status and escaped message", async () => {
  const app = new Hono().get(
    "/",
    (c) => renderErrorPage(c, new AppError(404, "not_found", `No ${HOSTILE}`)),
  );
  const res = await app.request("/");
  assert.equal(res.status, 404);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const html = await res.text();
  assert.match(html, /^<!DOCTYPE html><html lang="en">/);
  assert.ok(html.includes("Error 404"));
  assert.ok(html.includes("No &lt;img src=x onerror=alert(1)>"));
});

Deno.test("safeNext - keeps same-site paths and turns everything else into /", () => {
  assert.equal(safeNext("/rooms/abc?x=1#y"), "/rooms/abc?x=1#y");
  for (
    const bad of [
      "//evil.example",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "/\u0000//evil.example",
      "",
      undefined,
    ]
  ) {
    assert.equal(safeNext(bad), "/", String(bad));
  }
});

async function withApp(fn: (app: Hono) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  const { app, shutdown } = createApp({ kv, config: loadConfig({}) });
  try {
    await fn(app as unknown as Hono);
  } finally {
    shutdown();
    kv.close();
  }
}

const form = (fields: Record<string, string>, headers: HeadersInit = {}) => ({
  method: "POST",
  body: new URLSearchParams(fields),
  headers,
});

Deno.test("pages - a register form POST from another origin is refused with 403", async () => {
  await withApp(async (app) => {
    const fields = {
      handle: "mallory",
      displayName: "M",
      password: "12345678",
    };
    const res = await app.request(
      "http://localhost/register",
      form(fields, { origin: "https://evil.example" }),
    );
    assert.equal(res.status, 403);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    await res.body?.cancel();
  });
});

Deno.test("pages - registering by form sets the cookie and redirects to a same-site next only", async () => {
  await withApp(async (app) => {
    const fields = { displayName: "Ann", password: "long enough" };
    const ok = await app.request(
      "http://localhost/register",
      form({ ...fields, handle: "ann_1", next: "/rooms/x" }, {
        origin: "http://localhost",
      }),
    );
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), "/rooms/x");
    assert.match(ok.headers.get("set-cookie") ?? "", /vicinity_session=/);
    const evil = await app.request(
      "http://localhost/register",
      form({ ...fields, handle: "ann_2", next: "//evil.example" }),
    );
    assert.equal(evil.headers.get("location"), "/");
    const taken = await app.request(
      "http://localhost/register",
      form({ ...fields, handle: "ann_1" }),
    );
    assert.equal(taken.status, 409);
    assert.match(
      await taken.text(),
      /<p [^>]*role="alert"[^>]*>The handle &quot;ann_1&quot; is taken/,
    );
  });
});
