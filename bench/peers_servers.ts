/**
 * The servers of the peers bench, started side by side with users and one room each:
 * Vicinity (`deno serve --parallel`, 2 isolates and 1), a bare Deno server as its floor
 * (the same runtime without the app) and the Node peers (ws, Socket.IO, ws + Redis). Each
 * comes with the opener the load generator uses on it.
 */
import type { TestUser } from "../tests/helpers/api.ts";
import { createRoom, joinRoom } from "../tests/helpers/api.ts";
import { mapLimit } from "./fanout_client.ts";
import type { Opener } from "./fanout_scenario.ts";
import { createPacer, type Pacer } from "./fanout_setup.ts";
import {
  JSON_DIALECT,
  setupClient,
  SOCKET_IO_DIALECT,
  spreadOpener,
} from "./peers_client.ts";
import {
  type Proc,
  startDenoPeer,
  startNodePeer,
  startRedis,
} from "./peers_procs.ts";
import { startVicinity } from "./peers_vicinity.ts";

/** Every server the peers bench knows, in the order it starts them. */
export const SERVER_KEYS = [
  "vicinity",
  "vicinity-1",
  "deno-bare",
  "ws",
  "socketio",
  "wsredis",
] as const;

/** Which server: Vicinity with 2 isolates or 1, or one of the peers (bare Deno, Node). */
export type ServerKey = typeof SERVER_KEYS[number];

/** Labels in the report, in its order. */
export const LABELS: Record<ServerKey, string> = {
  "vicinity": "Vicinity (2 isolates)",
  "vicinity-1": "Vicinity (1 isolate)",
  "deno-bare": "Bare Deno (floor)",
  "ws": "Node ws",
  "socketio": "Socket.IO",
  "wsredis": "ws + Redis",
};

/** A started server with its users and room, ready for the load generator. */
export type BenchServer = {
  key: ServerKey;
  url: string;
  /** The server process, and every process whose CPU and memory count as the server's. */
  pid: number;
  pids: number[];
  /** Isolates (JS heaps) in `pid`, and where their GC probe writes (see gc_probe.ts). */
  isolates: number;
  gcDir: string;
  open: Opener & { close(): void };
  users: TestUser[];
  roomIds: string[];
  pacer: Pacer;
  setupSeconds: number;
  /** Stops every process; resolves with the lines that look like faults. */
  stop(): Promise<string[]>;
};

const CITY = { lat: 52.52, lng: 13.405 };
// Vicinity registers at most 20 accounts per client address an hour.
const REGISTER_PER_ADDRESS = 15;
/** The peers have no send limit to pace for. */
const NO_LIMIT: Pacer = { onOp: () => {}, before: () => Promise.resolve() };
/** A peer's room id: 26 characters, like Vicinity's ULIDs, so frames weigh the same. */
const PEER_ROOM = "01JBENCHR00M0000000000000A";

async function registerFrom(base: string, i: number): Promise<TestUser> {
  const client = setupClient(Math.floor(i / REGISTER_PER_ADDRESS));
  try {
    const handle = `bench_${Date.now().toString(36)}${i.toString(36)}`;
    const res = await fetch(`${base}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        handle,
        displayName: `Test ${handle}`,
        password: "correct horse battery",
      }),
      client,
    });
    const body = await res.json();
    if (res.status !== 201) {
      throw new Error(`register: ${res.status} ${JSON.stringify(body)}`);
    }
    return { user: body.user, token: body.token, cookie: "" };
  } finally {
    client.close();
  }
}

async function setUpVicinity(key: ServerKey, users: number, gcDir: string) {
  const isolates = key === "vicinity" ? 2 : 1;
  const srv = await startVicinity(isolates, gcDir);
  const pid = srv.pid;
  try {
    // Registration hashes with PBKDF2, so two at a time keeps both cores busy.
    const list = await mapLimit(
      Array.from({ length: users }),
      2,
      (_, i) => registerFrom(srv.url, i),
    );
    const room = await createRoom(srv.url, list[0], CITY, { name: "Bench" });
    await mapLimit(
      list.slice(1),
      10,
      (u) => joinRoom(srv.url, u, room.id, CITY),
    );
    return {
      url: srv.url,
      pid,
      pids: [pid],
      isolates,
      users: list,
      roomIds: [room.id],
      stop: srv.stop,
    };
  } catch (err) {
    await srv.stop().catch(() => {});
    throw err;
  }
}

async function peerUsers(url: string, n: number): Promise<TestUser[]> {
  return await mapLimit(Array.from({ length: n }), 10, async () => {
    const res = await fetch(`${url}/register`, { method: "POST" });
    const body = await res.json();
    return { user: body.user, token: body.token, cookie: "" };
  });
}

const faultsOf = (procs: Proc[]) =>
  procs.flatMap((p) =>
    // Redis warns about vm.overcommit_memory on most machines; it only matters to forks.
    p.output().split("\n").filter((l) =>
      /error|warn|uncaught/i.test(l) && !/overcommit/.test(l)
    )
  ).slice(0, 20);

/** The peer's own process: bare Deno, or the Node peer's file with its environment. */
function startPeerProc(
  key: ServerKey,
  gcDir: string,
  redis: (Proc & { port: number }) | null,
) {
  if (key === "deno-bare") return startDenoPeer(gcDir);
  const file = key === "socketio" ? "socketio_server.mjs" : "ws_server.mjs";
  const env: Record<string, string> = redis
    ? { PEER_REDIS_PORT: String(redis.port), BENCH_GC_DIR: gcDir }
    : { BENCH_GC_DIR: gcDir };
  return startNodePeer(file, env);
}

async function setUpPeer(key: ServerKey, users: number, gcDir: string) {
  const redis = key === "wsredis" ? await startRedis() : null;
  const procs: Proc[] = redis ? [redis] : [];
  const stop = async () => {
    const faults = faultsOf(procs);
    for (const p of procs.reverse()) await p.stop();
    return faults;
  };
  try {
    const peer = await startPeerProc(key, gcDir, redis);
    procs.push(peer);
    return {
      url: peer.url,
      pid: peer.pid,
      pids: procs.map((p) => p.pid),
      isolates: 1,
      users: await peerUsers(peer.url, users),
      roomIds: [PEER_ROOM],
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Starts one server and sets it up with `users` users who all joined its one room. */
export async function startBenchServer(
  key: ServerKey,
  users: number,
): Promise<BenchServer> {
  const t0 = performance.now();
  const vicinity = key === "vicinity" || key === "vicinity-1";
  const gcDir = await Deno.makeTempDir({ prefix: "vicinity-bench-gc-" });
  const s = await (vicinity ? setUpVicinity : setUpPeer)(key, users, gcDir)
    .catch(async (err) => {
      await Deno.remove(gcDir, { recursive: true });
      throw err;
    });
  const open = spreadOpener(
    key === "socketio" ? SOCKET_IO_DIALECT : JSON_DIALECT,
  );
  return {
    key,
    ...s,
    gcDir,
    open,
    pacer: vicinity ? createPacer(s.users.length) : NO_LIMIT,
    setupSeconds: (performance.now() - t0) / 1000,
    stop: async () => {
      open.close();
      const warnings = await s.stop();
      await Deno.remove(gcDir, { recursive: true }).catch(() => {});
      return warnings;
    },
  };
}
