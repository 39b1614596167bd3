import type { TestUser } from "./api.ts";

/** A server frame as a test reads it. */
// deno-lint-ignore no-explicit-any
export type Frame = { type: string; [k: string]: any };

/** A WebSocket client for tests: every frame recorded, and waits that time out. */
export type WsClient = {
  socket: WebSocket;
  /** Every frame received, in order. */
  frames: Frame[];
  /** Resolves with the close event, whoever closed. */
  closed: Promise<CloseEvent>;
  send(frame: unknown): void;
  /** Takes the first not-yet-taken frame matching `match`, waiting up to `timeoutMs`. */
  next(match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Closes (if still open) and waits for the close event. */
  close(): Promise<CloseEvent>;
};

/** The ws:// URL of a server's socket endpoint. */
export const wsUrl = (base: string) =>
  `${base.replace(/^http/, "ws")}/api/v1/ws`;

/** Waits for a promise, or rejects with `what` after `ms`. */
export async function within<T>(
  p: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Deno's WebSocket takes { headers }; the "dom" lib in deno.json hides that overload.
const HeaderedWebSocket = WebSocket as unknown as new (
  url: string,
  opts: { headers: Record<string, string> },
) => WebSocket;

/** Opens a socket with the given headers and resolves once it is open. */
export async function openWs(
  base: string,
  headers: Record<string, string> = {},
): Promise<WsClient> {
  const socket = new HeaderedWebSocket(wsUrl(base), { headers });
  const frames: Frame[] = [];
  const taken = new Set<number>();
  const waiters = new Set<() => void>();
  socket.onmessage = (e) => {
    frames.push(JSON.parse(e.data));
    for (const wake of waiters) wake();
    waiters.clear();
  };
  const closed = new Promise<CloseEvent>((r) => socket.onclose = r);
  await within(
    new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error("socket failed to open"));
    }),
    5_000,
    "socket open",
  );
  const find = (match: (f: Frame) => boolean) =>
    frames.findIndex((f, i) => !taken.has(i) && match(f));
  return {
    socket,
    frames,
    closed,
    send: (frame) =>
      socket.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    async next(match, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = find(match);
        if (i >= 0) return taken.add(i), frames[i];
        const left = deadline - Date.now();
        if (left <= 0) {
          const tail = JSON.stringify(frames.slice(-3));
          throw new Error(
            `no matching frame in ${timeoutMs} ms; last: ${tail}`,
          );
        }
        const arrived = new Promise<void>((r) => waiters.add(r));
        await within(Promise.race([arrived, closed]), left, "frame").catch(
          () => {},
        );
        if (socket.readyState === WebSocket.CLOSED && find(match) < 0) {
          throw new Error(`socket closed waiting for a frame`);
        }
      }
    },
    async close() {
      if (socket.readyState < WebSocket.CLOSING) socket.close();
      return await within(closed, 5_000, "socket close");
    },
  };
}

/** Opens an authenticated socket for a user (bearer header) and waits for `ready`. */
export async function connect(base: string, user: TestUser) {
  const ws = await openWs(base, { authorization: `Bearer ${user.token}` });
  const ready = await ws.next((f) => f.type === "ready");
  return { ws, isolate: ready.isolate as string };
}

/** A socket opened for a user, with the isolate that holds it. */
export type UserSocket = { ws: WsClient; isolate: string; user: TestUser };

/** Opens sockets round-robin over users until there are `min` and both isolates hold some. */
export async function connectOnBothIsolates(
  base: string,
  users: TestUser[],
  min: number,
): Promise<UserSocket[]> {
  const open: UserSocket[] = [];
  // The kernel spreads connections over the isolates; 40 all on one is vanishingly rare.
  for (let i = 0; i < 40; i++) {
    const user = users[i % users.length];
    open.push({ ...(await connect(base, user)), user });
    const isolates = new Set(open.map((s) => s.isolate));
    if (open.length >= min && isolates.size === 2) return open;
  }
  await Promise.all(open.map((s) => s.ws.close()));
  throw new Error("40 sockets all landed on one isolate");
}

/** Up to n sockets of distinct users, covering every isolate (the rarest chosen first). */
export function pickSenders(sockets: UserSocket[], n: number): UserSocket[] {
  const count = (iso: string) =>
    sockets.filter((s) => s.isolate === iso).length;
  const isolates = [...new Set(sockets.map((s) => s.isolate))]
    .sort((a, b) => count(a) - count(b));
  const chosen: UserSocket[] = [];
  const free = (s: UserSocket) => !chosen.some((c) => c.user === s.user);
  for (const iso of isolates) {
    const s = sockets.find((s) => s.isolate === iso && free(s));
    if (s) chosen.push(s);
  }
  for (const s of sockets) if (chosen.length < n && free(s)) chosen.push(s);
  return chosen.slice(0, n);
}

/** Subscribes and waits for the matching `subscribed` (or error) frame. */
export async function subscribe(ws: WsClient, room: string, after?: number) {
  ws.send({ type: "subscribe", room, after });
  return await ws.next((f) =>
    (f.type === "subscribed" || f.type === "error") && f.room === room
  );
}

/** The `message.new` frames of a room received so far. */
export const messagesIn = (ws: WsClient, room: string) =>
  ws.frames.filter((f) => f.type === "message.new" && f.room === room);

/** Sends a raw HTTP/1.1 upgrade request and answers the status and JSON body (no socket). */
export async function rawUpgrade(
  base: string,
  headers: Record<string, string>,
) {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const lines = [
    "GET /api/v1/ws HTTP/1.1",
    `Host: ${hostname}:${port}`,
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  await conn.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
  let text = "";
  const buf = new Uint8Array(16 * 1024);
  const decoder = new TextDecoder();
  // Read until the headers and a JSON body (if any) have arrived.
  while (!/\r\n\r\n[\s\S]*\}\s*$/.test(text) && !/ 101 /.test(text)) {
    const n = await within(conn.read(buf), 5_000, "upgrade response");
    if (n === null) break;
    text += decoder.decode(buf.subarray(0, n));
  }
  conn.close();
  const status = Number(text.split(" ")[1]);
  const head = text.slice(0, text.indexOf("\r\n\r\n"));
  const body = text.slice(text.indexOf("\r\n\r\n") + 4);
  return { status, head, body: body.includes("{") ? jsonOf(body) : null };
}

function jsonOf(body: string) {
  return JSON.parse(body.slice(body.indexOf("{"), body.lastIndexOf("}") + 1));
}
