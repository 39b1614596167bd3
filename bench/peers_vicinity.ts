/**
 * Vicinity as the peers bench runs it: `deno serve --parallel` with a temp KV on a free
 * loopback port, as tests/helpers/server.ts starts it, but from an entry that adds the GC
 * probe (bench/gc_probe.ts) and with V8's `--expose-gc`.
 */
import { freePort, type Proc, spawn } from "./peers_procs.ts";

const ROOT = new URL("../", import.meta.url).pathname;
/** Log lines that mean something went wrong inside the server. */
const FAULT = /"level":"error"|"event":"feed\.(pump|watch)_failed"|Uncaught/;

/** A running Vicinity: its URL and process; `stop` answers the lines that look like faults. */
export type VicinityProc = {
  url: string;
  pid: number;
  stop(): Promise<string[]>;
};

async function healthy(url: string, proc: Proc) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/api/v1/health`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`vicinity did not become healthy:\n${proc.output()}`);
}

/** Starts Vicinity with `jobs` isolates; `gcDir` receives the GC probe's figures. */
export async function startVicinity(
  jobs: number,
  gcDir: string,
): Promise<VicinityProc> {
  const dir = await Deno.makeTempDir({ prefix: "vicinity-bench-" });
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(Deno.execPath(), [
    ...["serve", "-A", "--parallel", "--v8-flags=--expose-gc"],
    ...["--host", "127.0.0.1", "--port", String(port)],
    "bench/peers_vicinity_main.ts",
  ], {
    cwd: ROOT,
    env: {
      VICINITY_KV: `${dir}/vicinity.kv`,
      DENO_JOBS: String(jobs),
      VICINITY_LOG_LEVEL: "warn",
      VICINITY_TILE_URL: "off",
      // A bench's joiners arrive all at once: exactly what the raid shield is for.
      VICINITY_RAID_SHIELD: "off",
      BENCH_GC_DIR: gcDir,
      NO_COLOR: "1",
    },
  });
  const stop = async () => {
    await proc.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    return proc.output().split("\n").filter((l) => FAULT.test(l));
  };
  try {
    await healthy(url, proc);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: proc.pid, stop };
}
