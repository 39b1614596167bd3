/** A lean WebSocket client for the fan-out benchmark: one parsed-frame callback per socket. */
import { within } from "../tests/helpers/ws.ts";

export { within };

/** A server frame as the benchmark reads it. */
// deno-lint-ignore no-explicit-any
export type Frame = { type: string; [k: string]: any };

/** What the load generator does with a socket: send a JSON frame, close, look at its state. */
export type WireSocket = Pick<WebSocket, "send" | "close" | "readyState">;

/** An open, authenticated socket and the isolate that serves it. */
export type BenchSocket = {
  ws: WireSocket;
  isolate: string;
  /** The signed-in user's id, from `ready`. */
  userId: string;
  /** Replaced by each scenario; gets every frame after `ready`, with its arrival time. */
  onFrame: (frame: Frame, at: number) => void;
  closed: Promise<void>;
};

// Deno's WebSocket takes { headers, client }; the "dom" lib in deno.json hides that overload.
const HeaderedWebSocket = WebSocket as unknown as new (
  url: string,
  opts: { headers: Record<string, string>; client?: Deno.HttpClient },
) => WebSocket;

/**
 * How a socket reaches its server and frames its JSON: Vicinity's own protocol by default;
 * the peers bench adds Socket.IO's packets. `decode` may answer on the raw socket (pings,
 * handshakes) and returns null for what is not a frame.
 */
export type Dialect = {
  url: (base: string) => string;
  headers: (token: string) => Record<string, string>;
  decode: (data: string, raw: WebSocket, token: string) => Frame | null;
  /** Wraps the raw socket so that `send` takes a frame's JSON; omitted, it is sent as is. */
  wrap?: (raw: WebSocket) => WireSocket;
};

/** Vicinity's protocol: /api/v1/ws, a bearer token, one JSON frame per message. */
export const JSON_DIALECT: Dialect = {
  url: (base) => `${base.replace(/^http/, "ws")}/api/v1/ws`,
  headers: (token) => ({ authorization: `Bearer ${token}` }),
  decode: (data) => JSON.parse(data) as Frame,
};

/** Options of openBenchSocket: the dialect, and an HTTP client (e.g. a source address). */
export type OpenOptions = { dialect?: Dialect; client?: Deno.HttpClient };

function connect(
  base: string,
  token: string,
  { dialect = JSON_DIALECT, client }: OpenOptions,
): Promise<BenchSocket> {
  const raw = new HeaderedWebSocket(dialect.url(base), {
    headers: dialect.headers(token),
    ...(client ? { client } : {}),
  });
  const ws = dialect.wrap?.(raw) ?? raw;
  const ready = Promise.withResolvers<BenchSocket>();
  const closed = Promise.withResolvers<void>();
  const sock: BenchSocket = {
    ws,
    isolate: "",
    userId: "",
    onFrame: () => {},
    closed: closed.promise,
  };
  raw.onmessage = (e) => {
    const at = performance.now();
    let frame: Frame | null;
    try {
      frame = dialect.decode(e.data, raw, token);
    } catch (err) {
      return ready.reject(err);
    }
    if (frame === null) return;
    if (frame.type !== "ready") return sock.onFrame(frame, at);
    sock.isolate = frame.isolate;
    sock.userId = frame.user.id;
    ready.resolve(sock);
  };
  raw.onerror = (e) =>
    ready.reject(new Error(`socket error: ${(e as ErrorEvent).message}`));
  raw.onclose = (e) => {
    ready.reject(new Error(`socket closed ${e.code} ${e.reason}`));
    closed.resolve();
  };
  return within(ready.promise, 15_000, "ready frame").catch((err) => {
    raw.onclose = () => closed.resolve();
    if (raw.readyState <= WebSocket.OPEN) raw.close();
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
  opts: OpenOptions = {},
): Promise<BenchSocket> {
  for (let attempt = 1;; attempt++) {
    try {
      return await connect(base, token, opts);
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
