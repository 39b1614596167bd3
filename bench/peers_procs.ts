/**
 * Processes of the peers bench: the Node peers (installed by `npm ci` into the git-ignored
 * bench/peers/node_modules), the bare Deno peer, and a throwaway redis-server on a free
 * loopback port.
 */

const PEERS_DIR = new URL("./peers/", import.meta.url).pathname;

/** A spawned process: its pid, everything it printed, and a stop that waits for its exit. */
export type Proc = {
  pid: number;
  output(): string;
  /** Resolves once `pattern` has been printed; rejects if the process exits first. */
  printed(pattern: RegExp, ms: number): Promise<void>;
  stop(): Promise<void>;
};

/** A free TCP port on 127.0.0.1 (closed again, so another process can take it). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Spawns `cmd` with its output collected; SIGTERM, then SIGKILL after 5 s, stops it. */
export function spawn(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Proc {
  const child = new Deno.Command(cmd, {
    args,
    cwd: opts.cwd,
    env: opts.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  let exited = false;
  const decoder = new TextDecoder();
  const pump = (s: ReadableStream<Uint8Array>) =>
    s.pipeTo(
      new WritableStream({ write: (c) => void (text += decoder.decode(c)) }),
    );
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status.then((s) => (exited = true, s));
  return {
    pid: child.pid,
    output: () => text,
    async printed(pattern, ms) {
      const deadline = Date.now() + ms;
      while (!pattern.test(text)) {
        if (exited || Date.now() > deadline) {
          throw new Error(`${cmd} did not print ${pattern}:\n${text}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (!exited) child.kill("SIGTERM");
      const timer = setTimeout(() => !exited && child.kill("SIGKILL"), 5_000);
      await status;
      clearTimeout(timer);
      await pumps;
    },
  };
}

async function run(cmd: string, args: string[], cwd?: string) {
  try {
    // A missing command throws from output() itself, not from its promise.
    const out = await new Deno.Command(cmd, { args, cwd, stdin: "null" })
      .output();
    return {
      ok: out.success,
      stderr: new TextDecoder().decode(out.stderr).trim(),
    };
  } catch (err) {
    return { ok: false, stderr: String(err) };
  }
}

/** Is `cmd` on the PATH (`cmd --version` runs)? */
export const installed = async (cmd: string) =>
  (await run(cmd, ["--version"])).ok;

/**
 * Makes sure the peers' packages are installed: `npm ci` from the committed lock when
 * node_modules is missing or older than the lock. Returns why the Node peers cannot run.
 */
export async function ensurePeerPackages(
  log: (line: string) => void,
): Promise<string | null> {
  if (!await installed("node")) return "node is not on the PATH";
  const mtime = (p: string) =>
    Deno.stat(PEERS_DIR + p).then((s) => s.mtime?.getTime() ?? 0, () => 0);
  const stamp = await mtime("node_modules/.package-lock.json");
  if (stamp >= await mtime("package-lock.json")) return null;
  log("  installing the peers' packages (npm ci in bench/peers)…");
  const npm = await run("npm", ["ci", "--no-audit", "--no-fund"], PEERS_DIR);
  return npm.ok ? null : `npm ci failed in bench/peers: ${npm.stderr}`;
}

async function listening(proc: Proc, port: number) {
  try {
    await proc.printed(/^listening /m, 15_000);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { ...proc, url: `http://127.0.0.1:${port}` };
}

/** Starts a Node peer (a file in bench/peers/) on a free port; resolves once it listens. */
export async function startNodePeer(
  file: string,
  env: Record<string, string> = {},
): Promise<Proc & { url: string }> {
  const port = freePort();
  // --expose-gc serves the GC probe (BENCH_GC_DIR, see common.mjs) and nothing else.
  const proc = spawn("node", ["--expose-gc", file], {
    cwd: PEERS_DIR,
    env: { PORT: String(port), NODE_ENV: "production", ...env },
  });
  return await listening(proc, port);
}

/**
 * Starts the bare Deno peer (bench/peers/deno_server.ts) as one `deno run` process, one
 * isolate, on a free port; resolves once it listens. No config file: nothing of the app's.
 */
export async function startDenoPeer(
  gcDir: string,
): Promise<Proc & { url: string }> {
  const port = freePort();
  const proc = spawn(Deno.execPath(), [
    ...["run", "--no-config", "--v8-flags=--expose-gc"],
    ...["--allow-net=127.0.0.1", "--allow-env=PORT,BENCH_GC_DIR"],
    // The GC probe writes its figures aside and renames them (which needs read too).
    `--allow-read=${gcDir}`,
    `--allow-write=${gcDir}`,
    "deno_server.ts",
  ], {
    cwd: PEERS_DIR,
    env: { PORT: String(port), BENCH_GC_DIR: gcDir, NO_COLOR: "1" },
  });
  return await listening(proc, port);
}

/**
 * A redis-server on a free loopback port with its append-only file (fsync every second) in
 * a temp dir; `stop` ends it and deletes the dir.
 */
export async function startRedis(): Promise<Proc & { port: number }> {
  const dir = await Deno.makeTempDir({ prefix: "vicinity-bench-redis-" });
  const port = freePort();
  const proc = spawn("redis-server", [
    ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir],
    ...["--save", "", "--appendonly", "yes", "--appendfsync", "everysec"],
    ...["--daemonize", "no", "--logfile", ""],
  ]);
  const stop = async () => {
    await proc.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    await proc.printed(/Ready to accept connections/, 15_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...proc, port, stop };
}
