/**
 * Peer: a Node `ws` server speaking the bench's minimal protocol. With PEER_REDIS_PORT set
 * it keeps sessions in Redis and persists each message there before acking and fanning out.
 */
import { createServer } from "node:http";
import {
  bearer,
  createChat,
  httpHandler,
  listen,
  memoryStore,
  parseFrame,
  requirePackage,
} from "./common.mjs";

const { WebSocketServer } = requirePackage("ws");

const redisPort = Number(process.env.PEER_REDIS_PORT ?? 0);
const store = redisPort
  ? (await import("./redis_store.mjs")).redisStore(redisPort)
  : memoryStore();
const rooms = new Map();
const wss = new WebSocketServer({ noServer: true });

// A broadcast is serialized once; every subscriber gets the same bytes.
const chat = createChat(store, (room, frame) => {
  const data = Buffer.from(JSON.stringify(frame));
  for (const ws of rooms.get(room) ?? []) ws.send(data, { binary: false });
});

function onConnection(ws, user) {
  const joined = new Set();
  const conn = {
    user,
    send: (frame) => ws.send(JSON.stringify(frame)),
    join(room) {
      joined.add(room);
      if (!rooms.has(room)) rooms.set(room, new Set());
      rooms.get(room).add(ws);
    },
  };
  ws.on("message", (data) => {
    chat(conn, parseFrame(data)).catch((err) => {
      console.error(err);
      ws.close(1011, "fault");
    });
  });
  ws.on("close", () => {
    for (const room of joined) rooms.get(room)?.delete(ws);
  });
  ws.on("error", () => {});
  conn.send({ type: "ready", user, isolate: "node" });
}

function refuse(socket, status, text) {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n\r\n`);
}

const server = createServer(httpHandler(store));
server.on("upgrade", async (req, socket, head) => {
  socket.on("error", () => {});
  if (!req.url.startsWith("/api/v1/ws")) {
    return refuse(socket, 404, "Not Found");
  }
  const token = bearer(req);
  const user = token ? await store.session(token) : null;
  if (!user) return refuse(socket, 401, "Unauthorized");
  wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, user));
});
listen(server);
