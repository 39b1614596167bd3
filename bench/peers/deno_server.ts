/**
 * Peer: a bare Deno server (Deno.serve + Deno.upgradeWebSocket, no KV, no zod, no app
 * state) speaking the bench's minimal protocol through the same code as the Node `ws`
 * peer (common.mjs's memory store and chat): the floor of Vicinity's runtime.
 */
import "../gc_probe.ts";
import {
  bearer,
  createChat,
  memoryStore,
  parseFrame,
  register,
} from "./common.mjs";

type Conn = {
  user: unknown;
  send(frame: object): void;
  join(room: string): void;
};

const store = memoryStore();
const rooms = new Map<string, Set<WebSocket>>();

// A broadcast is serialized once; every subscriber gets the same string.
const chat = createChat(store, (room: string, frame: object) => {
  const data = JSON.stringify(frame);
  for (const ws of rooms.get(room) ?? []) ws.send(data);
});

function onSocket(ws: WebSocket, user: unknown) {
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
  // Deno cannot send before the socket opens; the ws peer sends `ready` at once.
  ws.onopen = () => conn.send({ type: "ready", user, isolate: "deno" });
  ws.onmessage = (e) => {
    const data = typeof e.data === "string"
      ? e.data
      : new TextDecoder().decode(e.data as ArrayBuffer);
    chat(conn, parseFrame(data)).catch((err: unknown) => {
      console.error(err);
      ws.close(1011, "fault");
    });
  };
  ws.onclose = () => {
    for (const room of joined) rooms.get(room)?.delete(ws);
  };
  ws.onerror = () => {};
}

/** common.mjs's httpHandler (GET /health, POST /register) and ws_server.mjs's upgrade. */
async function handler(req: Request): Promise<Response> {
  const path = new URL(req.url).pathname;
  if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
    if (!path.startsWith("/api/v1/ws")) {
      return new Response(null, { status: 404 });
    }
    const token = bearer({
      headers: { authorization: req.headers.get("authorization") ?? "" },
    });
    const user = token ? store.session(token) : null;
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
  return Response.json(await register(store), { status: 201 });
}

const port = Number(Deno.env.get("PORT"));
// The bench waits for this line on stdout, as it does for the Node peers.
Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: () => console.log(`listening ${port}`),
}, handler);
