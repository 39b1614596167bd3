import { z } from "zod";
import { configFromEnv } from "./lib/config.ts";
import { openKvRetrying } from "./lib/db/store.ts";
import { ADMIN_USAGE, parseAdminArgs } from "./lib/ops/admin.ts";
import { buildIslands } from "./lib/ops/build.ts";
import { DEMO_PASSWORD, seedDemo } from "./lib/ops/seed.ts";
import { createServices } from "./lib/services/mod.ts";
import { createIdFactory, systemClock } from "./lib/shared/clock.ts";
import { AppError } from "./lib/shared/errors.ts";
import { LatSchema, LngSchema } from "./lib/shared/schemas.ts";

const USAGE = `Usage: deno task <command>
  start [--watch]        build the islands, then serve on every core (deno serve --parallel)
  build                  bundle the islands into static/build/
  seed --lat N --lng N [--rooms 20] [--messages 30] [--spread 3000] [--seed 1]
                         demo users (password "${DEMO_PASSWORD}"), rooms and messages
  admin <group> <command> [args] [--json]
                         operate on the KV the server uses (deno task admin for details)`;

const SeedArgs = z.object({
  lat: z.coerce.number().pipe(LatSchema),
  lng: z.coerce.number().pipe(LngSchema),
  rooms: z.coerce.number().int().min(1).max(10_000).default(20),
  messages: z.coerce.number().int().min(0).max(10_000).default(30),
  spread: z.coerce.number().min(0).max(50_000).default(3000),
  seed: z.coerce.number().int().default(1),
});

/** `--key value` and `--key=value` pairs; unlike node:util, values may be negative numbers. */
function parseFlags(argv: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`Unexpected argument "${argv[i]}"\n${USAGE}`);
    flags[m[1]] = m[2] ?? argv[++i] ?? "";
  }
  return flags;
}

/** The folder of a local KV file, or null for a remote KV (a URL) or an in-memory one. */
function localKvDir(kvPath: string): string | null {
  if (/^https?:\/\//.test(kvPath) || kvPath === ":memory:") return null;
  return kvPath.replace(/[^/]*$/, "") || ".";
}

async function start(watch: boolean): Promise<number> {
  const config = configFromEnv();
  await buildIslands();
  const args = [
    "serve",
    "--parallel",
    "--allow-net",
    "--allow-env",
    "--allow-read",
  ];
  // A remote KV is a URL: no local folder to create and nothing local to write.
  const dir = localKvDir(config.kvPath);
  if (dir) {
    await Deno.mkdir(dir, { recursive: true });
    args.push(`--allow-write=${dir}`);
  }
  args.push(
    "--host",
    config.host,
    "--port",
    String(config.port),
  );
  if (watch) args.push("--watch");
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args, "main.ts"],
  }).spawn();
  // deno serve handles the signal itself; forwarding it lets every isolate shut down cleanly.
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => child.kill("SIGTERM"));
  }
  return (await child.status).code;
}

async function seed(argv: string[]): Promise<number> {
  const parsed = SeedArgs.safeParse(parseFlags(argv));
  if (!parsed.success) {
    console.error(
      parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`)
        .join("\n"),
    );
    console.error(USAGE);
    return 2;
  }
  const a = parsed.data;
  const config = configFromEnv();
  const dir = localKvDir(config.kvPath);
  if (dir) await Deno.mkdir(dir, { recursive: true });
  const kv = await Deno.openKv(config.kvPath);
  try {
    const services = createServices(
      { kv, clock: systemClock, newId: createIdFactory() },
      { sessionTtlMs: config.sessionTtlMs },
    );
    const opts = { ...a, spreadM: a.spread };
    const done = await seedDemo(services, opts);
    console.log(
      `Seeded ${done.rooms} rooms and ${done.messages} messages into ${config.kvPath}.`,
    );
    console.log(
      `Sign in as any of ${
        done.users.join(", ")
      } with password "${DEMO_PASSWORD}".`,
    );
    return 0;
  } finally {
    kv.close();
  }
}

/**
 * `deno task admin …`: runs one command against the KV the server uses (safe while it runs:
 * every write is a checked commit). Refuses to create a database that is not there.
 */
async function admin(argv: string[]): Promise<number> {
  const parsed = parseAdminArgs(argv);
  if ("error" in parsed) {
    console.error(`${parsed.error}\n\n${ADMIN_USAGE}`);
    return 2;
  }
  const config = configFromEnv();
  if (localKvDir(config.kvPath) && !await exists(config.kvPath)) {
    console.error(`No database at ${config.kvPath} (set VICINITY_KV).`);
    return 1;
  }
  const kv = await openKvRetrying(config.kvPath);
  try {
    const services = createServices(
      { kv, clock: systemClock, newId: createIdFactory() },
      {
        sessionTtlMs: config.sessionTtlMs,
        eventRetentionMs: config.eventRetentionMs,
      },
    );
    const result = await parsed.run(services);
    console.log(
      parsed.json ? JSON.stringify(result.data, null, 2) : result.text,
    );
    return 0;
  } catch (err) {
    const error = err instanceof AppError ? err.toBody().error : {
      code: "failed",
      message: err instanceof Error ? err.message : String(err),
    };
    console.error(
      parsed.json
        ? JSON.stringify({ error })
        : `${parsed.name}: ${error.message}`,
    );
    return 1;
  } finally {
    kv.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "start") return await start(rest.includes("--watch"));
    if (command === "build") {
      const { files } = await buildIslands();
      console.log(`Built ${files.length} island bundles.`);
      return 0;
    }
    if (command === "seed") return await seed(rest);
    if (command === "admin") return await admin(rest);
  } catch (err) {
    // Configuration errors are written for people: print them without a stack trace.
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
  console.error(USAGE);
  return 2;
}

Deno.exit(await main(Deno.args));
