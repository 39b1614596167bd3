import * as z from "zod";

const OriginListSchema = z.string().transform((raw, ctx) => {
  const origins: string[] = [];
  for (const part of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
    try {
      const url = new URL(part);
      if (url.origin === "null" || url.origin !== part.replace(/\/$/, "")) {
        throw new Error();
      }
      origins.push(url.origin);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: `"${part}" is not an origin like https://example.com`,
      });
    }
  }
  return origins;
});

/** Most entries VICINITY_FLAG_WORDS may hold, and the longest one. */
export const FLAG_WORDS_MAX = { entries: 1000, chars: 64 } as const;

const WordListSchema = z.string().transform((raw, ctx) => {
  const words = raw.split(",").map((s) => s.trim()).filter(Boolean);
  if (words.length > FLAG_WORDS_MAX.entries) {
    ctx.addIssue({
      code: "custom",
      message: `holds ${words.length} words; at most ${FLAG_WORDS_MAX.entries}`,
    });
  }
  for (const w of words) {
    if (w.length > FLAG_WORDS_MAX.chars || !/[\p{L}\p{N}]/u.test(w)) {
      ctx.addIssue({
        code: "custom",
        message: `"${
          w.slice(0, 80)
        }" is not a word: 1–${FLAG_WORDS_MAX.chars} characters with a letter or digit`,
      });
    }
  }
  return words;
});

/** The OpenStreetMap tile server, the map's default background. */
export const DEFAULT_TILE_URL =
  "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/** The placeholders a tile URL template may use (Leaflet's): zoom, column, row, subdomain, retina. */
const TILE_PLACEHOLDER = /\{([a-z]+)\}/g;

/**
 * A tile URL template: "off" (no tiles), or an http(s) URL with {z}, {x} and {y}, where {s}
 * may only stand as the first label of the host. Answers the template and the one source
 * the Content-Security-Policy must allow images from (`https://*.host` for {s}).
 */
const TileUrlSchema = z.string().trim().transform((raw, ctx) => {
  if (raw === "off") return null;
  const fail = (why: string) => {
    ctx.addIssue({ code: "custom", message: why });
    return z.NEVER;
  };
  const names = [...raw.matchAll(TILE_PLACEHOLDER)].map((m) => m[1]);
  const unknown = names.find((n) => !["z", "x", "y", "s", "r"].includes(n));
  if (unknown) return fail(`uses {${unknown}}; only {z} {x} {y} {s} {r} work`);
  if (!["z", "x", "y"].every((n) => names.includes(n))) {
    return fail("must hold {z}, {x} and {y}, or be off");
  }
  let url: URL;
  try {
    url = new URL(raw.replaceAll("{s}", "a").replace(TILE_PLACEHOLDER, "0"));
  } catch {
    return fail("is not a URL");
  }
  const written = /^(https?):\/\/([^/?#]+)/i.exec(raw);
  if (!written || url.username || url.password) {
    return fail("must be an http(s) URL without credentials");
  }
  const [, scheme, host] = written;
  if (host.includes("{s}") && !host.startsWith("{s}.")) {
    return fail("may use {s} only as the first part of the host");
  }
  if (/[{}]/.test(host.replace(/^\{s\}\./, ""))) {
    return fail("may not use {z}, {x}, {y} or {r} in the host");
  }
  const origin = host.startsWith("{s}.")
    ? `${scheme.toLowerCase()}://*.${url.host.slice(2)}`
    : url.origin;
  return { url: raw, origin };
});

const EnvSchema = z.object({
  PORT: z.coerce.number({ error: "must be a port number" }).int(
    "must be 0–65535",
  )
    .min(0, "must be 0–65535").max(65535, "must be 0–65535").default(8000),
  VICINITY_HOST: z.string().min(1).default("0.0.0.0"),
  VICINITY_KV: z.string().min(1).default("./data/vicinity.kv"),
  VICINITY_PUBLIC_URL: z.url({
    protocol: /^https?$/,
    error: "must be an http(s) URL",
  })
    .optional(),
  VICINITY_ALLOWED_ORIGINS: OriginListSchema.default([]),
  VICINITY_SESSION_DAYS: z.coerce.number({ error: "must be a number of days" })
    .int("must be 1–365").min(1, "must be 1–365").max(365, "must be 1–365")
    .default(30),
  VICINITY_COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  VICINITY_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default(
    "info",
  ),
  VICINITY_EVENT_RETENTION_DAYS: z.coerce.number({
    error: "must be a number of days",
  }).min(0.001, "must be 0.001–365").max(365, "must be 0.001–365").default(7),
  VICINITY_BROADCAST: z.enum(["on", "off"]).default("on"),
  VICINITY_FLAG_WORDS: WordListSchema.default([]),
  VICINITY_RAID_SHIELD: z.enum(["on", "off"]).default("on"),
  VICINITY_MAX_SPEED_KMH: z.union([
    z.literal("off"),
    z.coerce.number({ error: "must be 10–2000 or off" })
      .min(10, "must be 10–2000 or off").max(2_000, "must be 10–2000 or off"),
  ]).default(300),
  VICINITY_LEASE_HOURS: z.coerce.number({ error: "must be a number of hours" })
    .min(0.01, "must be 0.01–720").max(720, "must be 0.01–720").default(12),
  VICINITY_ENDED_ROOM_RETENTION_DAYS: z.coerce.number({
    error: "must be a number of days",
  }).min(0.001, "must be 0.001–3650").max(3_650, "must be 0.001–3650")
    .default(30),
  VICINITY_TILE_URL: TileUrlSchema.default({
    url: DEFAULT_TILE_URL,
    origin: new URL(DEFAULT_TILE_URL).origin,
  }),
});

/** Validated configuration, read once at start-up. */
export type Config = {
  port: number;
  host: string;
  kvPath: string;
  /** The origin browsers use when the server sits behind a proxy; null = the request's. */
  publicOrigin: string | null;
  allowedOrigins: string[];
  sessionTtlMs: number;
  cookieSecure: "auto" | "always" | "never";
  logLevel: "debug" | "info" | "warn" | "error";
  /** How long room events stay resumable. */
  eventRetentionMs: number;
  /** Whether isolates hint each other over BroadcastChannel (off: kv.watch alone). */
  broadcast: boolean;
  /** Words (or phrases) that flag a message for moderators, as configured. */
  flagWords: string[];
  /** Whether a surge of joins holds newcomers read-only (off: seeding, load tests). */
  raidShield: boolean;
  /** Consecutive fixes implying more than this are refused as implausible (null: no check). */
  maxSpeedKmh: number | null;
  /** How long a location confirmation lets a member post in a proximity room. */
  leaseMs: number;
  /** How long an ended event room's messages are kept before the purge. */
  endedRoomRetentionMs: number;
  /** The map's tile URL template (Leaflet's), or null for a map without tiles. */
  tileUrl: string | null;
  /** Where tiles come from, as a CSP source (`https://host`, `https://*.host`); null: none. */
  tileOrigin: string | null;
};

/** Parses environment variables into Config, or throws an Error listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // `PORT=` in a shell or .env means "not set"; coerced, it would become port 0.
  const given = Object.entries(env).filter(([, v]) =>
    v !== undefined && v.trim() !== ""
  );
  const parsed = EnvSchema.safeParse(Object.fromEntries(given));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = i.path.join(".");
      return `  ${name}=${JSON.stringify(env[name] ?? "")}: ${i.message}`;
    });
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.VICINITY_HOST,
    kvPath: e.VICINITY_KV,
    publicOrigin: e.VICINITY_PUBLIC_URL
      ? new URL(e.VICINITY_PUBLIC_URL).origin
      : null,
    allowedOrigins: e.VICINITY_ALLOWED_ORIGINS,
    sessionTtlMs: e.VICINITY_SESSION_DAYS * 86_400_000,
    cookieSecure: e.VICINITY_COOKIE_SECURE === "auto"
      ? "auto"
      : e.VICINITY_COOKIE_SECURE === "true"
      ? "always"
      : "never",
    logLevel: e.VICINITY_LOG_LEVEL,
    eventRetentionMs: Math.round(e.VICINITY_EVENT_RETENTION_DAYS * 86_400_000),
    broadcast: e.VICINITY_BROADCAST === "on",
    flagWords: e.VICINITY_FLAG_WORDS,
    raidShield: e.VICINITY_RAID_SHIELD === "on",
    maxSpeedKmh: e.VICINITY_MAX_SPEED_KMH === "off"
      ? null
      : e.VICINITY_MAX_SPEED_KMH,
    leaseMs: Math.round(e.VICINITY_LEASE_HOURS * 3_600_000),
    endedRoomRetentionMs: Math.round(
      e.VICINITY_ENDED_ROOM_RETENTION_DAYS * 86_400_000,
    ),
    tileUrl: e.VICINITY_TILE_URL?.url ?? null,
    tileOrigin: e.VICINITY_TILE_URL?.origin ?? null,
  };
}

/** Reads the process environment (only the variables Vicinity knows) into Config. */
export function configFromEnv(): Config {
  const names = Object.keys(EnvSchema.shape);
  return loadConfig(Object.fromEntries(names.map((n) => [n, Deno.env.get(n)])));
}
