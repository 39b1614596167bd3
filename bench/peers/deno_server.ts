/**
 * Peer: a bare Deno server (Deno.serve + Deno.upgradeWebSocket, no KV, no zod, no app
 * state) speaking the bench's minimal protocol exactly as the Node `ws` peer does
 * (ws_server.mjs over common.mjs's memory store): the floor of Vicinity's runtime.
 */
import "../gc_probe.ts";

type User = {
  id: string;
  handle: string;
  displayName: string;
  createdAt: string;
};
type Conn = { user: User; send(frame: object): void; join(room: string): void };
// deno-lint-ignore no-explicit-any
type InFrame = any;

const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const MAX_TEXT = 4000;

/** common.mjs's ulidLike: 26 characters, time first. */
function ulidLike(): string {
  let out = "";
  for (let t = Date.now(), i = 0; i < 10; i++, t = Math.floor(t / 32)) {
    out = CROCKFORD[t % 32] + out;
  }
  for (const b of crypto.getRandomValues(new Uint8Array(16))) {
    out += CROCKFORD[b % 32];
  }
  return out;
}

/** 32 random bytes in base64url without padding, as Node's `toString("base64url")`. */
function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

const sessions = new Map<string, User>();
const heads = new Map<string, number>();
const rooms = new Map<string, Set<WebSocket>>();

/** memoryStore's append: the room's next seq; the record is built but not kept. */
function append(room: string, _record: string): Promise<number> {
  const seq = (heads.get(room) ?? 0) + 1;
  heads.set(room, seq);
  return Promise.resolve(seq);
}

const errorFrame = (code: string, message: string) => ({
  type: "error",
  code,
  message,
});

/** common.mjs's messageView, field for field, so the frames weigh the same. */
function messageView(user: User, room: string, text: string, clientId: string) {
  return {
    id: ulidLike(),
    roomId: room,
    seq: 0,
    author: { id: user.id, handle: user.handle, displayName: user.displayName },
    text,
    clientId,
    createdAt: new Date().toISOString(),
    category: "social",
    threadRoot: null,
    replyCount: 0,
    lastReplyAt: null,
    editedAt: null,
    deleted: false,
    pinned: false,
    reactions: [],
    mentions: [],
  };
}

// A broadcast is serialized once; every subscriber gets the same string.
function broadcast(room: string, frame: object) {
  const data = JSON.stringify(frame);
  for (const ws of rooms.get(room) ?? []) ws.send(data);
}

async function send(conn: Conn, f: InFrame) {
  const text = typeof f.text === "string" ? f.text.trim() : "";
  const ok = typeof f.room === "string" && text.length > 0 &&
    text.length <= MAX_TEXT && CLIENT_ID.test(f.clientId ?? "");
  if (!ok) return conn.send(errorFrame("invalid_frame", "Bad message"));
  const message = messageView(conn.user, f.room, text, f.clientId);
  // Serialized as the ws peer does for its store, so both do the same work per send.
  message.seq = await append(
    f.room,
    JSON.stringify({ ...message, seq: undefined }),
  );
  conn.send({ type: "message.ack", clientId: f.clientId, message });
  broadcast(f.room, {
    type: "message.new",
    room: f.room,
    seq: message.seq,
    message,
  });
}

/** common.mjs's createChat: one inbound frame (null when it was not JSON). */
async function onFrame(conn: Conn, f: InFrame) {
  if (f === null || typeof f !== "object") {
    return conn.send(errorFrame("invalid_frame", "Not a JSON object"));
  }
  if (f.type === "subscribe" && typeof f.room === "string") {
    conn.join(f.room);
    const seq = heads.get(f.room) ?? 0;
    return conn.send({ type: "subscribed", room: f.room, seq });
  }
  if (f.type === "message.send") return await send(conn, f);
  if (f.type === "ping") return conn.send({ type: "pong", id: f.id });
  conn.send(errorFrame("invalid_frame", `Unknown frame ${f.type}`));
}

function parseFrame(data: unknown): InFrame {
  try {
    return JSON.parse(
      typeof data === "string"
        ? data
        : new TextDecoder().decode(data as ArrayBuffer),
    );
  } catch {
    return null;
  }
}

function onSocket(ws: WebSocket, user: User) {
  const joined = new Set<string>();
  const conn: Conn = {
    user,
    send: (frame) => ws.send(JSON.stringify(frame)),
    join(room) {
      joined.add(room);
      if (!rooms.has(room)) rooms.set(room, new Set());
      rooms.get(room)!.add(ws);
    },
  };
  ws.onopen = () => conn.send({ type: "ready", user, isolate: "deno" });
  ws.onmessage = (e) => {
    onFrame(conn, parseFrame(e.data)).catch((err) => {
      console.error(err);
      ws.close(1011, "fault");
    });
  };
  ws.onclose = () => {
    for (const room of joined) rooms.get(room)?.delete(ws);
  };
  ws.onerror = () => {};
}

let registered = 0;

/** common.mjs's httpHandler (GET /health, POST /register) and ws_server.mjs's upgrade. */
async function handler(req: Request): Promise<Response> {
  const path = new URL(req.url).pathname;
  if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
    if (!path.startsWith("/api/v1/ws")) {
      return new Response(null, { status: 404 });
    }
    const auth = req.headers.get("authorization") ?? "";
    const token = /^Bearer (\S+)$/.exec(auth)?.[1];
    const user = token ? sessions.get(token) : undefined;
    if (!user) return new Response(null, { status: 401 });
    const { socket, response } = Deno.upgradeWebSocket(req);
    onSocket(socket, user);
    return response;
  }
  if (req.method === "GET" && path === "/health") return Response.json({});
  if (req.method !== "POST" || path !== "/register") {
    return Response.json({ error: { code: "not_found" } }, { status: 404 });
  }
  await req.body?.cancel();
  const handle = `bench_${(registered++).toString(36)}`;
  const user = {
    id: ulidLike(),
    handle,
    displayName: `Test ${handle}`,
    createdAt: new Date().toISOString(),
  };
  const token = newToken();
  sessions.set(token, user);
  return Response.json({ user, token }, { status: 201 });
}

const port = Number(Deno.env.get("PORT"));
// The bench waits for this line on stdout, as it does for the Node peers.
Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: () => console.log(`listening ${port}`),
}, handler);
