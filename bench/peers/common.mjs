/**
 * What the Node peers share: the minimal protocol the fan-out load generator speaks to
 * Vicinity (`ready`; `subscribe` -> `subscribed {room, seq}`; `message.send` ->
 * `message.ack` to the sender and `message.new` with the room's next seq to every
 * subscriber), sessions by bearer token, and plain HTTP for registration and health.
 * Frames carry a message view of the same shape and size as Vicinity's.
 */
import { randomBytes } from "node:crypto";
import { renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * Loads a package from bench/peers/node_modules. `require`, not `import`: `deno check` walks
 * the repo's JS files too, and these Node-only packages are not in Deno's lock.
 */
export const requirePackage = createRequire(import.meta.url);

const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const MAX_TEXT = 4000;

/** A 26-character time-ordered id, the length and alphabet of Vicinity's ULIDs. */
export function ulidLike() {
  let out = "";
  for (let t = Date.now(), i = 0; i < 10; i++, t = Math.floor(t / 32)) {
    out = CROCKFORD[t % 32] + out;
  }
  for (const b of randomBytes(16)) out += CROCKFORD[b % 32];
  return out;
}

/** Sessions and room heads in this process: the store of the plain peers. */
export function memoryStore() {
  const sessions = new Map();
  const heads = new Map();
  return {
    saveSession: (token, user) => void sessions.set(token, user),
    session: (token) => sessions.get(token) ?? null,
    head: (room) => heads.get(room) ?? 0,
    /** Assigns the room's next seq; nothing is kept. */
    append: (room) => {
      const seq = (heads.get(room) ?? 0) + 1;
      heads.set(room, seq);
      return seq;
    },
    close: async () => {},
  };
}

/** The bearer token of an upgrade request, or null. */
export const bearer = (req) =>
  /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? null;

const errorFrame = (code, message) => ({ type: "error", code, message });

/** A message view as Vicinity sends it, before its seq is known. */
function messageView(user, room, text, clientId) {
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

/**
 * The protocol over a transport: `conn` is {user, send(frame), join(room)}, and
 * `broadcast(room, frame)` reaches every socket that joined the room. The message is
 * stored (when the store stores) before anyone hears of it.
 */
export function createChat(store, broadcast) {
  async function send(conn, f) {
    const text = typeof f.text === "string" ? f.text.trim() : "";
    const ok = typeof f.room === "string" && text.length > 0 &&
      text.length <= MAX_TEXT && CLIENT_ID.test(f.clientId ?? "");
    if (!ok) return conn.send(errorFrame("invalid_frame", "Bad message"));
    const message = messageView(conn.user, f.room, text, f.clientId);
    message.seq = await store.append(
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
  return async function onFrame(conn, f) {
    if (f === null || typeof f !== "object") {
      return conn.send(errorFrame("invalid_frame", "Not a JSON object"));
    }
    if (f.type === "subscribe" && typeof f.room === "string") {
      conn.join(f.room);
      const seq = Number(await store.head(f.room));
      return conn.send({ type: "subscribed", room: f.room, seq });
    }
    if (f.type === "message.send") return await send(conn, f);
    if (f.type === "ping") return conn.send({ type: "pong", id: f.id });
    conn.send(errorFrame("invalid_frame", `Unknown frame ${f.type}`));
  };
}

/** The JSON of a frame, or null when it is not JSON. */
export function parseFrame(data) {
  try {
    return JSON.parse(String(data));
  } catch {
    return null;
  }
}

let registered = 0;

/** A new user and its session token, saved in `store` (POST /register). */
export async function register(store) {
  const handle = `bench_${(registered++).toString(36)}`;
  const user = {
    id: ulidLike(),
    handle,
    displayName: `Test ${handle}`,
    createdAt: new Date().toISOString(),
  };
  const token = randomBytes(32).toString("base64url");
  await store.saveSession(token, user);
  return { user, token };
}

/** GET /health, and POST /register: a new user and its session token. */
export function httpHandler(store) {
  return async (req, res) => {
    const reply = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/health") return reply(200, {});
    if (req.method !== "POST" || req.url !== "/register") {
      return reply(404, { error: { code: "not_found" } });
    }
    req.resume();
    reply(201, await register(store));
  };
}

/**
 * The bench's GC probe, as bench/gc_probe.ts in Vicinity: with BENCH_GC_DIR set and
 * `--expose-gc`, SIGUSR2 collects garbage and writes the heap figures there.
 */
function installGcProbe() {
  const dir = process.env.BENCH_GC_DIR;
  if (!dir || !globalThis.gc) return;
  process.on("SIGUSR2", () => {
    globalThis.gc();
    globalThis.gc();
    const { heapUsed, external } = process.memoryUsage();
    // Written aside, then renamed: the bench never reads a half-written file.
    const file = `${dir}/mem-node.json`;
    writeFileSync(
      file + ".tmp",
      JSON.stringify({ at: Date.now(), heapUsed, external }),
    );
    renameSync(file + ".tmp", file);
  });
}

/** Listens on 127.0.0.1:$PORT and says so on stdout, which the bench waits for. */
export function listen(server) {
  installGcProbe();
  server.listen(Number(process.env.PORT), "127.0.0.1", () => {
    console.log(`listening ${process.env.PORT}`);
  });
}
