/**
 * One fan-out scenario against a running server: open and subscribe the sockets, warm up,
 * publish ops at a fixed rate for a bounded time, wait for every event delivery, and tally.
 */
import type { TestUser } from "../tests/helpers/api.ts";
import {
  type BenchSocket,
  closeAll,
  mapLimit,
  openBenchSocket,
  openFailures,
} from "./fanout_client.ts";
import { createOpPicker, type OpPicker, type Workload } from "./fanout_ops.ts";
import {
  lostOf,
  newTally,
  onSenderFrame,
  type Sub,
  subscribe,
  type Tally,
  until,
} from "./fanout_tally.ts";
import { cpuMeter, cpuSeconds, type CpuShare } from "./machine.ts";

/** One scenario: `rooms` rooms with `subsPerRoom` sockets each, `msgPerS` ops in total. */
export type ScenarioConfig = {
  name: string;
  rooms: number;
  subsPerRoom: number;
  msgPerS: number;
  durationS: number;
};

/** One timed run of a scenario on one server, raw; `mergeBlocks` turns blocks into figures. */
export type Block = {
  cfg: ScenarioConfig & { workload: Workload; block: number };
  subscribers: number;
  senders: number;
  warmup: number;
  t: Tally;
  expected: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  socketsClosedEarly: number;
  /** Socket handshakes that failed and were retried, with the first reasons. */
  socketOpenRetries: number;
  socketOpenErrors: string[];
  socketsPerIsolate: Record<string, number>;
  client: CpuShare;
  server: CpuShare;
  /** CPU seconds the server's processes (`cpuPids`) used in the timed run. */
  serverCpuSeconds: number;
};

/** Opens one authenticated socket; the default is `openBenchSocket` with Vicinity's protocol. */
export type Opener = (base: string, token: string) => Promise<BenchSocket>;

/** The server a scenario runs against, as the load generator needs to know it. */
export type ScenarioServer = {
  pid: number;
  onOp: () => void;
  open?: Opener;
  /** Processes whose CPU time is the server's (default: `pid`), e.g. a peer and its Redis. */
  cpuPids?: number[];
};

/** Sends `total` ops at `msgPerS`, round-robin over senders and rooms; a bounded loop. */
async function publish(
  tag: string,
  total: number,
  msgPerS: number,
  io: Io,
  t: Tally,
) {
  const interval = 1000 / msgPerS;
  const t0 = t.firstAt = performance.now() + 50;
  for (let k = 0; k < total;) {
    const wait = t0 + k * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const now = performance.now();
    for (; k < total && t0 + k * interval <= now; k++) {
      const sender = io.senders[k % io.senders.length];
      const room = io.rooms[k % io.rooms.length];
      const id = `${tag}-${k}`;
      const op = io.ops.next(id, sender, room);
      t.kindOf.set(id, op.kind);
      t.roomOf.set(id, room);
      t.senderIsolate.set(id, sender.isolate);
      if (op.reactionKey) t.reactionOps.set(op.reactionKey, id);
      t.sent[op.kind]++;
      t.sendAt.set(id, performance.now());
      sender.ws.send(JSON.stringify(op.frame));
      io.onOp();
    }
  }
}

type Io = {
  senders: BenchSocket[];
  rooms: string[];
  subs: Sub[];
  ops: OpPicker;
  onOp: () => void;
};

/** Every event seq a subscriber should get: from its base up to its room's acked head. */
const expectedOf = (subs: Sub[], t: Tally) =>
  subs.reduce((n, s) => n + (t.headSeq.get(s.room) ?? s.base) - s.base, 0);

/** Publishes `total` ops and waits for every ack and every event delivery they imply. */
async function publishAndDrain(
  tag: string,
  total: number,
  cfg: ScenarioConfig,
  io: Io,
  t: Tally,
) {
  await publish(tag, total, cfg.msgPerS, io, t);
  await until(t, () => t.settled >= total, 20_000);
  const expected = expectedOf(io.subs, t);
  await until(t, () => t.received >= expected, 20_000);
  return expected;
}

async function openSockets(
  base: string,
  users: TestUser[],
  n: number,
  open: Opener = openBenchSocket,
) {
  return await mapLimit(
    Array.from({ length: n }, (_, i) => users[i % users.length]),
    50,
    (u) => open(base, u.token),
  );
}

/** Messages sent before the timed run: one second at the scenario's rate, at least one per room. */
export const warmupCount = (cfg: ScenarioConfig) =>
  Math.max(cfg.rooms, Math.round(cfg.msgPerS));

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const cpuOf = async (pids: number[]) =>
  sum(await Promise.all(pids.map((p) => cpuSeconds(p))));

/**
 * Runs one scenario on the server at `base`, calling `onOp` for each op sent (warm-up too);
 * every socket it opens is closed again.
 */
export async function runScenario(
  base: string,
  users: TestUser[],
  roomIds: string[],
  cfg: ScenarioConfig & { workload: Workload; block: number },
  srv: ScenarioServer,
): Promise<Block> {
  let t = newTally();
  const failed = openFailures.count;
  const rooms = roomIds.slice(0, cfg.rooms);
  const n = cfg.rooms * cfg.subsPerRoom;
  const socks = await openSockets(base, users, n, srv.open);
  const senders = await openSockets(base, users, users.length, srv.open);
  try {
    const subs = await mapLimit(
      socks,
      100,
      (s, i) => subscribe(s, rooms[i % rooms.length], () => t),
    );
    const ops = createOpPicker(cfg.workload);
    for (const s of senders) {
      s.onFrame = (f, at) => {
        ops.onSenderFrame(f);
        onSenderFrame(t, f, at);
      };
    }
    const io: Io = { senders, rooms, subs, ops, onOp: srv.onOp };
    // ClientIds repeat across blocks on one server would be retries, so the block is in them.
    const tag = `${cfg.name}-${cfg.workload}-b${cfg.block}`;
    // One second at the scenario's rate warms both isolates (and gives the mixed workload
    // messages to act on); it is delivered, then forgotten.
    const warmup = warmupCount(cfg);
    await publishAndDrain(`${tag}-warm`, warmup, cfg, io, t);
    for (const s of subs) [s.base, s.seen] = [s.max, new Set()];
    t = newTally();
    const total = Math.round(cfg.msgPerS * cfg.durationS);
    const cpuPids = srv.cpuPids ?? [srv.pid];
    const [client, server, cpu0] = [
      await cpuMeter("self"),
      await cpuMeter(srv.pid),
      await cpuOf(cpuPids),
    ];
    const expected = await publishAndDrain(tag, total, cfg, io, t);
    const serverCpuSeconds = await cpuOf(cpuPids) - cpu0;
    const cpu = { client: await client(), server: await server() };
    const perIsolate: Record<string, number> = {};
    for (const s of socks) {
      perIsolate[s.isolate] = (perIsolate[s.isolate] ?? 0) + 1;
    }
    const count = (f: (s: Sub) => number) => sum(subs.map(f));
    return {
      cfg,
      subscribers: socks.length,
      senders: senders.length,
      warmup,
      t,
      expected,
      lost: count((s) => lostOf(s, t)),
      duplicates: count((s) => s.duplicates),
      outOfOrder: count((s) => s.outOfOrder),
      socketsClosedEarly: socks.filter((s) =>
        s.ws.readyState !== WebSocket.OPEN
      ).length,
      socketOpenRetries: openFailures.count - failed,
      socketOpenErrors: openFailures.reasons.slice(),
      socketsPerIsolate: perIsolate,
      ...cpu,
      serverCpuSeconds,
    };
  } finally {
    await closeAll([...socks, ...senders]);
  }
}
