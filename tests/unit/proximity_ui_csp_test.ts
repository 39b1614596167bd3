import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";
import { createApp } from "../../lib/http/app.ts";

/** The Content-Security-Policy of the login page, as an app with this environment sends it. */
async function policyWith(env: Record<string, string>) {
  const kv = await Deno.openKv(":memory:");
  const { app, shutdown } = createApp({ kv, config: loadConfig(env) });
  try {
    const res = await app.request("http://vicinity.test/login", {}, {
      remoteAddr: { transport: "tcp", hostname: "10.0.0.1", port: 1 },
    });
    await res.body?.cancel();
    const csp = res.headers.get("content-security-policy") ?? "";
    return Object.fromEntries(
      csp.split(";").map((d) => d.trim().split(/\s+/)).map((
        [name, ...values],
      ) => [name, values]),
    );
  } finally {
    shutdown();
    kv.close();
  }
}

Deno.test("CSP - images from this site and the tile server's origin only, nothing else new", async () => {
  const osm = await policyWith({});
  assert.deepEqual(osm["img-src"], [
    "'self'",
    "data:",
    "https://tile.openstreetmap.org",
  ]);
  const subdomains = await policyWith({
    VICINITY_TILE_URL: "https://{s}.tiles.example/{z}/{x}/{y}.png",
  });
  assert.deepEqual(subdomains["img-src"], [
    "'self'",
    "data:",
    "https://*.tiles.example",
  ]);
  const off = await policyWith({ VICINITY_TILE_URL: "off" });
  assert.deepEqual(off["img-src"], ["'self'", "data:"]);
  // The tile server is trusted for images, not for scripts, styles or connections.
  for (const directive of ["script-src", "style-src", "connect-src"]) {
    assert.deepEqual(osm[directive], ["'self'"], directive);
  }
});
