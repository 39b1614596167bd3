import type { Hono } from "hono";
import type { AppEnv } from "../lib/http/env.ts";
import { keys } from "../lib/db/keys.ts";
import { log } from "../lib/log.ts";
import { ISLAND_BUILD_DIR, listIslands } from "../lib/ops/build.ts";

/** How long /readyz waits for a KV read before calling the store unready. */
export const KV_READ_TIMEOUT_MS = 2_000;

/** What the probes look at; tests shorten the timeout or point at another build folder. */
export type HealthDeps = {
  kv: Deno.Kv;
  kvTimeoutMs?: number;
  /** The folder the island bundles are served from (default static/build/). */
  buildDir?: URL;
};

const BUILD_DIR = new URL(`../${ISLAND_BUILD_DIR}/`, import.meta.url);

/** One readiness check's outcome; `error` says what failed, for the operator. */
type Check = { ok: boolean; error?: string; missing?: string[] };

/** Whether KV answers one read within the timeout. */
async function checkKv(kv: Deno.Kv, timeoutMs: number): Promise<Check> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Check>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: `no answer in ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  // Any read will do; ids are ULIDs, so this key never exists and costs one index probe.
  const read = kv.get(keys.user("readyz")).then(
    (): Check => ({ ok: true }),
    (err): Check => ({ ok: false, error: String(err) }),
  );
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether every island under islands/ has its bundle in static/build/ (`deno task build`). */
async function checkIslands(buildDir: URL): Promise<Check> {
  try {
    const missing: string[] = [];
    for (const name of await listIslands()) {
      const file = new URL(`${name}.js`, buildDir);
      try {
        if (!(await Deno.stat(file)).isFile) missing.push(`${name}.js`);
      } catch {
        missing.push(`${name}.js`);
      }
    }
    return missing.length
      ? { ok: false, error: "island bundles missing", missing }
      : { ok: true };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}

/**
 * Registers the probes: GET /healthz (the process answers) and GET /readyz (KV answers a
 * read and the island bundles are built). No session, never cached.
 */
export function registerHealthRoutes(app: Hono<AppEnv>, deps: HealthDeps) {
  const timeoutMs = deps.kvTimeoutMs ?? KV_READ_TIMEOUT_MS;
  app.get("/healthz", (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ status: "ok" }, 200);
  });
  app.get("/readyz", async (c) => {
    c.header("Cache-Control", "no-store");
    const [kv, islands] = await Promise.all([
      checkKv(deps.kv, timeoutMs),
      checkIslands(deps.buildDir ?? BUILD_DIR),
    ]);
    const checks = { kv, islands };
    if (kv.ok && islands.ok) return c.json({ status: "ok", checks }, 200);
    log.warn("readyz.unready", { checks });
    return c.json({ status: "unready", checks }, 503);
  });
}
