/**
 * Peer: a Socket.IO server speaking the bench's minimal protocol as `f` events (the load
 * generator frames them as Socket.IO packets); the token comes in the handshake's auth.
 */
import { createServer } from "node:http";
import {
  createChat,
  httpHandler,
  listen,
  memoryStore,
  requirePackage,
} from "./common.mjs";

const { Server } = requirePackage("socket.io");

const store = memoryStore();
const server = createServer(httpHandler(store));
const io = new Server(server, {
  transports: ["websocket"],
  serveClient: false,
});

io.use((socket, next) => {
  const token = socket.handshake.auth?.token;
  const user = typeof token === "string" ? store.session(token) : null;
  if (!user) return next(new Error("unauthorized"));
  socket.data.user = user;
  next();
});

// Socket.IO serializes a room broadcast once and sends the same packet to every member.
const chat = createChat(store, (room, frame) => io.to(room).emit("f", frame));

io.on("connection", (socket) => {
  const conn = {
    user: socket.data.user,
    send: (frame) => socket.emit("f", frame),
    join: (room) => socket.join(room),
  };
  socket.on("f", (frame) => {
    chat(conn, frame).catch((err) => {
      console.error(err);
      socket.disconnect(true);
    });
  });
  conn.send({ type: "ready", user: conn.user, isolate: "node" });
});
listen(server);
