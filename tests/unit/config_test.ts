import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";

/** Asserts loadConfig refuses `env` with an Error naming every variable in `names`. */
function assertRefused(env: Record<string, string>, ...names: string[]) {
  assert.throws(
    () => loadConfig(env),
    (err) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /^Invalid configuration/);
      const named = err.message.split("\n").slice(1)
        .map((line) => line.trim().match(/^[A-Z_]+/)?.[0]);
      assert.deepEqual(
        named.sort(),
        [...names].sort(),
        `${JSON.stringify(env)} → ${err.message}`,
      );
      return true;
    },
  );
}

Deno.test("loadConfig - an empty environment gives the defaults", () => {
  assert.deepEqual(loadConfig({}), {
    port: 8000,
    host: "0.0.0.0",
    kvPath: "./data/vicinity.kv",
    publicOrigin: null,
    allowedOrigins: [],
    sessionTtlMs: 30 * 86_400_000,
    cookieSecure: "auto",
    logLevel: "info",
    eventRetentionMs: 7 * 86_400_000,
    broadcast: true,
    flagWords: [],
    raidShield: true,
    maxSpeedKmh: 300,
    leaseMs: 12 * 3_600_000,
    endedRoomRetentionMs: 30 * 86_400_000,
    tileUrl: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    tileOrigin: "https://tile.openstreetmap.org",
  });
});

Deno.test("loadConfig - reads and converts every variable", () => {
  assert.deepEqual(
    loadConfig({
      PORT: "0",
      VICINITY_HOST: "127.0.0.1",
      VICINITY_KV: "/tmp/x.kv",
      VICINITY_PUBLIC_URL: "https://chat.example/some/path",
      VICINITY_ALLOWED_ORIGINS: "https://vicinity.example",
      VICINITY_SESSION_DAYS: "7",
      VICINITY_COOKIE_SECURE: "true",
      VICINITY_LOG_LEVEL: "warn",
      VICINITY_EVENT_RETENTION_DAYS: "0.5",
      VICINITY_BROADCAST: "off",
      VICINITY_FLAG_WORDS: "Spam,  bad word ",
      VICINITY_RAID_SHIELD: "off",
      VICINITY_MAX_SPEED_KMH: "120",
      VICINITY_LEASE_HOURS: "1.5",
      VICINITY_ENDED_ROOM_RETENTION_DAYS: "2",
      VICINITY_TILE_URL: "https://tiles.example/{z}/{x}/{y}.png",
    }),
    {
      port: 0,
      host: "127.0.0.1",
      kvPath: "/tmp/x.kv",
      publicOrigin: "https://chat.example",
      allowedOrigins: ["https://vicinity.example"],
      sessionTtlMs: 7 * 86_400_000,
      cookieSecure: "always",
      logLevel: "warn",
      eventRetentionMs: 43_200_000,
      broadcast: false,
      flagWords: ["Spam", "bad word"],
      raidShield: false,
      maxSpeedKmh: 120,
      leaseMs: 5_400_000,
      endedRoomRetentionMs: 2 * 86_400_000,
      tileUrl: "https://tiles.example/{z}/{x}/{y}.png",
      tileOrigin: "https://tiles.example",
    },
  );
  assert.equal(loadConfig({ PORT: "65535" }).port, 65535);
  assert.equal(
    loadConfig({ VICINITY_COOKIE_SECURE: "false" }).cookieSecure,
    "never",
  );
});

Deno.test("loadConfig - a bad PORT is an Error naming PORT", () => {
  for (const port of ["abc", "65536", "-1", "80.5", "8000x"]) {
    assertRefused({ PORT: port }, "PORT");
  }
});

Deno.test("loadConfig - a bad origin is an Error naming VICINITY_ALLOWED_ORIGINS and the entry", () => {
  for (
    const bad of [
      "example.com",
      "https://example.com/app",
      "https://example.com?x=1",
      "file:///etc/passwd",
      "https://ok.example,not an origin",
    ]
  ) {
    assertRefused(
      { VICINITY_ALLOWED_ORIGINS: bad },
      "VICINITY_ALLOWED_ORIGINS",
    );
  }
  assert.throws(
    () => loadConfig({ VICINITY_ALLOWED_ORIGINS: "https://a.example/x" }),
    /"https:\/\/a\.example\/x" is not an origin/,
  );
});

Deno.test("loadConfig - origins are split on commas, trimmed, and lose a trailing slash", () => {
  const config = loadConfig({
    VICINITY_ALLOWED_ORIGINS:
      " https://a.example , http://localhost:5173/,,https://b.example:8443 ,",
  });
  assert.deepEqual(config.allowedOrigins, [
    "https://a.example",
    "http://localhost:5173",
    "https://b.example:8443",
  ]);
  assert.deepEqual(
    loadConfig({ VICINITY_ALLOWED_ORIGINS: " , " }).allowedOrigins,
    [],
  );
});

Deno.test("loadConfig - every bad variable is listed at once", () => {
  assertRefused(
    {
      PORT: "http",
      VICINITY_SESSION_DAYS: "0",
      VICINITY_COOKIE_SECURE: "yes",
      VICINITY_LOG_LEVEL: "loud",
    },
    "PORT",
    "VICINITY_SESSION_DAYS",
    "VICINITY_COOKIE_SECURE",
    "VICINITY_LOG_LEVEL",
  );
  assertRefused({ VICINITY_SESSION_DAYS: "366" }, "VICINITY_SESSION_DAYS");
});

Deno.test("loadConfig - an empty variable counts as unset", () => {
  assert.equal(loadConfig({ VICINITY_KV: "" }).kvPath, "./data/vicinity.kv");
  assert.equal(loadConfig({ VICINITY_LOG_LEVEL: "  " }).logLevel, "info");
});

Deno.test({
  // z.coerce.number() turns "" into 0, so an empty PORT must be treated as unset.
  name: "loadConfig - an empty PORT is not silently port 0",
  fn() {
    for (const port of ["", "  "]) {
      let config;
      try {
        config = loadConfig({ PORT: port });
      } catch (err) {
        assert.match((err as Error).message, /^\s+PORT\b/m);
        continue;
      }
      assert.equal(config.port, 8000, JSON.stringify(port));
    }
  },
});

Deno.test("loadConfig - VICINITY_PUBLIC_URL must be an http(s) URL", () => {
  assertRefused({ VICINITY_PUBLIC_URL: "chat.example" }, "VICINITY_PUBLIC_URL");
  assertRefused(
    { VICINITY_PUBLIC_URL: "ftp://chat.example" },
    "VICINITY_PUBLIC_URL",
  );
});

Deno.test("loadConfig - VICINITY_EVENT_RETENTION_DAYS takes 0.001–365 days, as whole milliseconds", () => {
  for (const bad of ["0", "0.0009", "366", "-1", "a week"]) {
    assertRefused(
      { VICINITY_EVENT_RETENTION_DAYS: bad },
      "VICINITY_EVENT_RETENTION_DAYS",
    );
  }
  const at = (days: string) =>
    loadConfig({ VICINITY_EVENT_RETENTION_DAYS: days }).eventRetentionMs;
  assert.equal(at("0.001"), 86_400);
  assert.equal(at("365"), 365 * 86_400_000);
  assert.equal(at("1.5"), 129_600_000);
  // A fraction that is not a whole number of milliseconds is rounded, not kept fractional.
  assert.equal(at("0.0012345"), 106_661);
  assert.equal(at(""), 7 * 86_400_000);
});

Deno.test("loadConfig - VICINITY_BROADCAST is on or off, nothing else", () => {
  assert.equal(loadConfig({ VICINITY_BROADCAST: "on" }).broadcast, true);
  assert.equal(loadConfig({ VICINITY_BROADCAST: "off" }).broadcast, false);
  for (const bad of ["true", "false", "0", "OFF", "yes"]) {
    assertRefused({ VICINITY_BROADCAST: bad }, "VICINITY_BROADCAST");
  }
});

Deno.test("loadConfig - VICINITY_TILE_URL is off or an http(s) template whose origin the CSP allows", () => {
  const tiles = (url: string) => {
    const c = loadConfig({ VICINITY_TILE_URL: url });
    return [c.tileUrl, c.tileOrigin];
  };
  assert.deepEqual(tiles("off"), [null, null]);
  assert.deepEqual(tiles("http://localhost:8080/t/{z}/{x}/{y}.png"), [
    "http://localhost:8080/t/{z}/{x}/{y}.png",
    "http://localhost:8080",
  ]);
  // A subdomain placeholder widens the source to that host's subdomains, no further.
  assert.deepEqual(tiles("https://{s}.tiles.example/{z}/{x}/{y}{r}.png"), [
    "https://{s}.tiles.example/{z}/{x}/{y}{r}.png",
    "https://*.tiles.example",
  ]);
  for (
    const bad of [
      "on",
      "OFF",
      "https://tiles.example/{z}/{x}.png",
      "ftp://tiles.example/{z}/{x}/{y}.png",
      "https:tiles.example/{z}/{x}/{y}.png",
      "https://user:pw@tiles.example/{z}/{x}/{y}.png",
      "https://x{s}.tiles.example/{z}/{x}/{y}.png",
      "https://{z}.tiles.example/{z}/{x}/{y}.png",
      "https://tiles.example/{z}/{x}/{y}.png?key={apikey}",
      "javascript:{z}{x}{y}",
    ]
  ) {
    assertRefused({ VICINITY_TILE_URL: bad }, "VICINITY_TILE_URL");
  }
});
