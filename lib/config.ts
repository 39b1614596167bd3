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
  };
}

/** Reads the process environment (only the variables Vicinity knows) into Config. */
export function configFromEnv(): Config {
  const names = Object.keys(EnvSchema.shape);
  return loadConfig(Object.fromEntries(names.map((n) => [n, Deno.env.get(n)])));
}
