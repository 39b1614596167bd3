/** A lean WebSocket client for the fan-out benchmark: one parsed-frame callback per socket. */
import { within } from "../tests/helpers/ws.ts";

export { within };

/** A server frame as the benchmark reads it. */
// deno-lint-ignore no-explicit-any
export type Frame = { type: string; [k: string]: any };

/** An open, authenticated socket and the isolate that serves it. */
export type BenchSocket = {
  ws: WebSocket;
  isolate: string;
  /** The signed-in user's id, from `ready`. */
  userId: string;
  /** Replaced by each scenario; gets every frame after `ready`, with its arrival time. */
  onFrame: (frame: Frame, at: number) => void;
  closed: Promise<void>;
};

// Deno's WebSocket takes { headers }; the "dom" lib in deno.json hides that overload.
const HeaderedWebSocket = WebSocket as unknown as new (
  url: string,
  opts: { headers: Record<string, string> },
) => WebSocket;

function connect(base: string, token: string): Promise<BenchSocket> {
  const url = `${base.replace(/^http/, "ws")}/api/v1/ws`;
  const ws = new HeaderedWebSocket(url, {
    headers: { authorization: `Bearer ${token}` },
  });
  const ready = Promise.withResolvers<BenchSocket>();
  const closed = Promise.withResolvers<void>();
  const sock: BenchSocket = {
    ws,
    isolate: "",
    userId: "",
    onFrame: () => {},
    closed: closed.promise,
  };
  ws.onmessage = (e) => {
    const at = performance.now();
    const frame = JSON.parse(e.data) as Frame;
    if (frame.type !== "ready") return sock.onFrame(frame, at);
    sock.isolate = frame.isolate;
    sock.userId = frame.user.id;
    ready.resolve(sock);
  };
  ws.onerror = (e) =>
    ready.reject(new Error(`socket error: ${(e as ErrorEvent).message}`));
  ws.onclose = (e) => {
    ready.reject(new Error(`socket closed ${e.code} ${e.reason}`));
    closed.resolve();
  };
  return within(ready.promise, 15_000, "ready frame").catch((err) => {
    ws.onclose = () => closed.resolve();
    if (ws.readyState <= WebSocket.OPEN) ws.close();
    throw err;
  });
}

/** Failed socket opens that were retried, with the first few reasons. */
export const openFailures = { count: 0, reasons: [] as string[] };

/**
 * Opens a socket with a bearer token and resolves once the server has sent `ready`; a
 * failed handshake is retried twice (and counted) before it fails the run.
 */
export async function openBenchSocket(
  base: string,
  token: string,
): Promise<BenchSocket> {
  for (let attempt = 1;; attempt++) {
    try {
      return await connect(base, token);
    } catch (err) {
      openFailures.count++;
      if (openFailures.reasons.length < 5) {
        openFailures.reasons.push(String(err));
      }
      if (attempt === 3) throw err;
    }
  }
}

/** Closes sockets and waits (briefly) for each close to complete. */
export async function closeAll(socks: BenchSocket[]): Promise<void> {
  for (const s of socks) {
    if (s.ws.readyState <= WebSocket.OPEN) s.ws.close(1000, "bench done");
  }
  await within(
    Promise.all(socks.map((s) => s.closed)),
    15_000,
    "sockets closing",
  )
    .catch(() => {});
}

/** Maps over items with at most `limit` calls in flight, keeping order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  f: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i], i);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return out;
}
