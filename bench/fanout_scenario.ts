/**
 * One fan-out scenario against a running server: open and subscribe the sockets, warm up,
 * publish at a fixed rate for a bounded time, wait for every delivery, and tally.
 */
import type { TestUser } from "../tests/helpers/api.ts";
import {
  type BenchSocket,
  closeAll,
  mapLimit,
  openBenchSocket,
  openFailures,
} from "./fanout_client.ts";
import {
  newTally,
  onSenderFrame,
  type Sub,
  subscribe,
  type Tally,
  until,
} from "./fanout_tally.ts";
import { cpuMeter, type CpuShare } from "./machine.ts";
import { summarize, type Summary } from "./stats.ts";

/** One scenario: `rooms` rooms with `subsPerRoom` sockets each, `msgPerS` sends in total. */
export type ScenarioConfig = {
  name: string;
  rooms: number;
  subsPerRoom: number;
  msgPerS: number;
  durationS: number;
};

/** What one scenario measured on one server. */
export type ScenarioResult = ScenarioConfig & {
  subscribers: number;
  senders: number;
  warmupMessages: number;
  sent: number;
  acked: number;
  sendErrors: Record<string, number>;
  expectedDeliveries: number;
  received: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  socketsClosedEarly: number;
  /** Socket handshakes that failed and were retried, with the first reasons. */
  socketOpenRetries: number;
  socketOpenErrors: string[];
  latency: Summary;
  sameIsolate: Summary;
  crossIsolate: Summary;
  ack: Summary;
  /** Each delivery's arrival minus its message's ack at the sender: the fan-out's own share. */
  afterAck: Summary;
  /** p99 latency of the messages sent in each second of the run. */
  p99BySecond: number[];
  offeredDeliveriesPerS: number;
  deliveriesPerS: number;
  socketsPerIsolate: Record<string, number>;
  client: CpuShare;
  server: CpuShare;
};

/** Sends `total` messages at `msgPerS`, round-robin over senders and rooms; a bounded loop. */
async function publish(
  tag: string,
  total: number,
  msgPerS: number,
  senders: BenchSocket[],
  rooms: string[],
  t: Tally,
) {
  const interval = 1000 / msgPerS;
  const t0 = t.firstAt = performance.now() + 50;
  for (let k = 0; k < total;) {
    const wait = t0 + k * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const now = performance.now();
    for (; k < total && t0 + k * interval <= now; k++) {
      const sender = senders[k % senders.length];
      const clientId = `${tag}-${k}`;
      t.senderIsolate.set(clientId, sender.isolate);
      t.sendAt.set(clientId, performance.now());
      sender.ws.send(JSON.stringify({
        type: "message.send",
        room: rooms[k % rooms.length],
        text: `bench ${clientId}`,
        clientId,
      }));
    }
  }
}

/** Publishes `total` messages and waits for every ack and every delivery they imply. */
async function publishAndDrain(
  tag: string,
  total: number,
  cfg: ScenarioConfig,
  io: { senders: BenchSocket[]; rooms: string[]; subs: () => Sub[] },
  t: Tally,
) {
  await publish(tag, total, cfg.msgPerS, io.senders, io.rooms, t);
  await until(t, () => t.settled >= total, 20_000);
  const expected = io.subs().reduce(
    (n, s) => n + (t.ackedPerRoom.get(s.room) ?? 0),
    0,
  );
  await until(t, () => t.received >= expected, 20_000);
  return expected;
}

async function openSockets(base: string, users: TestUser[], n: number) {
  return await mapLimit(
    Array.from({ length: n }, (_, i) => users[i % users.length]),
    50,
    (u) => openBenchSocket(base, u.token),
  );
}

/** Messages sent before the timed run: one second at the scenario's rate, at least one per room. */
export const warmupCount = (cfg: ScenarioConfig) =>
  Math.max(cfg.rooms, Math.round(cfg.msgPerS));

const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

/** Runs one scenario on the server at `base`; every socket it opens is closed again. */
export async function runScenario(
  base: string,
  users: TestUser[],
  roomIds: string[],
  cfg: ScenarioConfig,
  serverPid: number,
): Promise<ScenarioResult> {
  let t = newTally();
  const failed = openFailures.count;
  const rooms = roomIds.slice(0, cfg.rooms);
  const socks = await openSockets(base, users, cfg.rooms * cfg.subsPerRoom);
  const senders = await openSockets(base, users, users.length);
  try {
    const subs = await mapLimit(
      socks,
      100,
      (s, i) => subscribe(s, rooms[i % rooms.length], () => t),
    );
    for (const s of senders) s.onFrame = (f, at) => onSenderFrame(t, f, at);
    const io = { senders, rooms, subs: () => subs };
    // One second at the scenario's rate warms both isolates; it is delivered, then forgotten.
    const warmup = warmupCount(cfg);
    await publishAndDrain(`${cfg.name}-warm`, warmup, cfg, io, t);
    for (const s of subs) [s.base, s.seen] = [s.max, new Set()];
    t = newTally();
    const total = Math.round(cfg.msgPerS * cfg.durationS);
    const [client, server] = [
      await cpuMeter("self"),
      await cpuMeter(serverPid),
    ];
    const expected = await publishAndDrain(cfg.name, total, cfg, io, t);
    const cpu = { client: await client(), server: await server() };
    const perIsolate: Record<string, number> = {};
    for (const s of socks) {
      perIsolate[s.isolate] = (perIsolate[s.isolate] ?? 0) + 1;
    }
    return {
      ...cfg,
      subscribers: socks.length,
      senders: senders.length,
      warmupMessages: warmup,
      sent: total,
      acked: sum(t.ackedPerRoom.values()),
      sendErrors: t.sendErrors,
      expectedDeliveries: expected,
      received: t.received,
      lost: sum(
        subs.map((s) => (t.ackedPerRoom.get(s.room) ?? 0) - s.seen.size),
      ),
      duplicates: sum(subs.map((s) => s.duplicates)),
      outOfOrder: sum(subs.map((s) => s.outOfOrder)),
      socketsClosedEarly: socks.filter((s) =>
        s.ws.readyState !== WebSocket.OPEN
      ).length,
      socketOpenRetries: openFailures.count - failed,
      socketOpenErrors: openFailures.reasons.slice(),
      latency: summarize(t.latency),
      sameIsolate: summarize(t.same),
      crossIsolate: summarize(t.cross),
      ack: summarize(t.ackMs),
      afterAck: summarize(
        t.delivered.map((d) => d.at - (t.ackAt.get(d.clientId) ?? NaN)),
      ),
      p99BySecond: Array.from(t.bySecond, (xs) => summarize(xs ?? []).p99),
      offeredDeliveriesPerS: expected / cfg.durationS,
      deliveriesPerS: t.received / ((t.lastAt - t.firstAt) / 1000),
      socketsPerIsolate: perIsolate,
      ...cpu,
    };
  } finally {
    await closeAll([...socks, ...senders]);
  }
}
