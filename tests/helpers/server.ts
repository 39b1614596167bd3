/** A real Vicinity server (`deno serve --parallel`) on a free loopback port with a temp KV. */
export type TestServer = {
  url: string;
  port: number;
  kvPath: string;
  /** Everything the server printed so far. */
  output(): string;
  /**
   * Sends SIGTERM and waits for the process to exit; returns its exit code. Throws if the
   * server logged a fault (an error line, a failed feed pump), which tests would not see.
   */
  stop(): Promise<number>;
};

const ROOT = new URL("../../", import.meta.url);

/** Log lines that mean something went wrong inside the server. */
const FAULT = /"level":"error"|"event":"feed\.(pump|watch)_failed"|Uncaught/;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitForHealth(
  url: string,
  child: Deno.ChildProcess,
  out: () => string,
) {
  const deadline = Date.now() + 20_000;
  let exited = false;
  child.status.then(() => exited = true);
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${url}/api/v1/health`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not become healthy:\n${out()}`);
}

/** Starts the server; pass env to override configuration. */
export async function startServer(
  env: Record<string, string> = {},
): Promise<TestServer> {
  const dir = await Deno.makeTempDir({ prefix: "vicinity-test-" });
  const kvPath = `${dir}/vicinity.kv`;
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "-A",
      "--parallel",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "main.ts",
    ],
    cwd: ROOT,
    env: {
      VICINITY_KV: kvPath,
      DENO_JOBS: "2",
      VICINITY_LOG_LEVEL: "warn",
      // Tests never reach the internet: no map tiles.
      VICINITY_TILE_URL: "off",
      NO_COLOR: "1",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const pump = (s: ReadableStream<Uint8Array>) =>
    s.pipeTo(
      new WritableStream({
        write: (chunk) => void (text += decoder.decode(chunk)),
      }),
    );
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  try {
    await waitForHealth(url, child, () => text);
  } catch (err) {
    // A server that died during start-up has nothing left to kill; its output says why.
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    await pumps;
    await Deno.remove(dir, { recursive: true });
    throw err instanceof Error ? new Error(`${err.message}\n${text}`) : err;
  }
  let stopped: Promise<number> | null = null;
  return {
    url,
    port,
    kvPath,
    output: () => text,
    stop: () =>
      stopped ??= (async () => {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        const { code } = await child.status;
        clearTimeout(timer);
        await pumps;
        await Deno.remove(dir, { recursive: true });
        const faults = text.split("\n").filter((l) => FAULT.test(l));
        if (faults.length) {
          throw new Error(`the server logged faults:\n${faults.join("\n")}`);
        }
        return code;
      })(),
  };
}
