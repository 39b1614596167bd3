import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/env.ts";
import {
  buildIslands,
  ISLAND_BUILD_DIR,
  listIslands,
} from "../../lib/ops/build.ts";
import { registerHealthRoutes } from "../../routes/health.ts";
import { startServer } from "../helpers/server.ts";

const ROOT = new URL("../../", import.meta.url);

/** Builds the island bundles unless every one is there (`deno task test` builds first). */
async function ensureIslandsBuilt() {
  for (const name of await listIslands()) {
    try {
      await Deno.stat(new URL(`${ISLAND_BUILD_DIR}/${name}.js`, ROOT));
    } catch {
      await buildIslands();
      return;
    }
  }
}

/** A three-line app with just the probes, over the given KV and build folder. */
function probes(kv: Deno.Kv, buildDir: URL, kvTimeoutMs?: number) {
  const app = new Hono<AppEnv>();
  registerHealthRoutes(app, { kv, buildDir, kvTimeoutMs });
  return app;
}

async function json(res: Response) {
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(res.headers.get("cache-control"), "no-store");
  return await res.json();
}

Deno.test("health - the real server answers /healthz and /readyz, uncached, without a session", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  try {
    const live = await fetch(`${server.url}/healthz`);
    assert.equal(live.status, 200);
    assert.deepEqual(await json(live), { status: "ok" });
    assert.equal(live.headers.get("set-cookie"), null);

    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await json(ready), {
      status: "ok",
      checks: { kv: { ok: true }, islands: { ok: true } },
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("health - /readyz is 503 until every island bundle exists", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vicinity-build-" });
  const kv = await Deno.openKv(":memory:");
  try {
    const names = await listIslands();
    assert.ok(names.length >= 2, "the check needs islands to look for");
    const buildDir = new URL(`file://${dir}/`);
    const [first, ...rest] = names;
    for (const name of rest) await Deno.writeTextFile(`${dir}/${name}.js`, "");
    const app = probes(kv, buildDir);

    const unready = await app.request("/readyz");
    assert.equal(unready.status, 503);
    assert.deepEqual(await json(unready), {
      status: "unready",
      checks: {
        kv: { ok: true },
        islands: {
          ok: false,
          error: "island bundles missing",
          missing: [`${first}.js`],
        },
      },
    });

    await Deno.writeTextFile(`${dir}/${first}.js`, "");
    const ready = await app.request("/readyz");
    assert.equal(ready.status, 200);
    assert.equal((await json(ready)).status, "ok");
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("health - /readyz is 503 when KV fails or does not answer in time; /healthz stays 200", async () => {
  const buildDir = new URL(`${ISLAND_BUILD_DIR}/`, ROOT);
  await ensureIslandsBuilt();
  // A store that never answers: the probe must give up on its own timer.
  const stuck = { get: () => new Promise(() => {}) } as unknown as Deno.Kv;
  const slow = await probes(stuck, buildDir, 50).request("/readyz");
  assert.equal(slow.status, 503);
  const body = await json(slow);
  assert.equal(body.status, "unready");
  assert.deepEqual(body.checks.kv, { ok: false, error: "no answer in 50 ms" });
  assert.deepEqual(body.checks.islands, { ok: true });

  const closed = await Deno.openKv(":memory:");
  closed.close();
  const app = probes(closed, buildDir);
  const broken = await app.request("/readyz");
  assert.equal(broken.status, 503);
  const checks = (await json(broken)).checks;
  assert.equal(checks.kv.ok, false);
  assert.match(checks.kv.error, /\S/);
  const live = await app.request("/healthz");
  assert.equal(live.status, 200);
  assert.deepEqual(await json(live), { status: "ok" });
});
