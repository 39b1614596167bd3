/** Turns the blocks one (server, scenario, workload) ran into one row of figures. */
import type { Workload } from "./fanout_ops.ts";
import type { Block, ScenarioConfig } from "./fanout_scenario.ts";
import { OP_KINDS, type OpKind, type Tally } from "./fanout_tally.ts";
import type { CpuShare } from "./machine.ts";
import { summarize, type Summary } from "./stats.ts";

/** What a scenario measured on one server, pooled over its blocks; every room event counts. */
export type ScenarioResult = ScenarioConfig & {
  workload: Workload;
  /** Timed runs pooled here; `durationS` is their total. */
  blocks: number;
  blockP99: number[];
  /** Machine-wide CPU pressure (PSI "some", %) during each block: other load on the machine. */
  blockPressure: number[];
  subscribers: number;
  senders: number;
  warmupMessages: number;
  sent: number;
  /** Ops sent by kind; the mixed workload falls back to a send when there is nothing to act on. */
  sentByKind: Record<OpKind, number>;
  acked: number;
  /** Acks with seq 0 (the op changed nothing, so no event). */
  unchanged: number;
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
  /** Latency of the events each kind of op caused. */
  byKind: Record<OpKind, Summary>;
  sameIsolate: Summary;
  crossIsolate: Summary;
  ack: Summary;
  /** Each delivery's arrival minus its op's ack at the sender: the fan-out's own share. */
  afterAck: Summary;
  /** p99 latency of the ops sent in each second, block after block. */
  p99BySecond: number[];
  offeredDeliveriesPerS: number;
  deliveriesPerS: number;
  socketsPerIsolate: Record<string, number>;
  client: CpuShare;
  server: CpuShare;
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const meanOf = (xs: number[]) => sum(xs) / xs.length;

function meanShare(xs: CpuShare[]): CpuShare {
  return {
    cpuPct: meanOf(xs.map((x) => x.cpuPct)),
    runQueueWaitPct: meanOf(xs.map((x) => x.runQueueWaitPct)),
    machinePressurePct: meanOf(xs.map((x) => x.machinePressurePct)),
  };
}

function addCounts(
  into: Record<string, number>,
  from: Record<string, number>,
) {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
  return into;
}

/** Sockets per isolate, averaged over the blocks. */
function perIsolate(blocks: Block[]): Record<string, number> {
  const all = blocks.reduce(
    (a, b) => addCounts(a, b.socketsPerIsolate),
    {} as Record<string, number>,
  );
  return Object.fromEntries(
    Object.entries(all).map(([k, n]) => [k, Math.round(n / blocks.length)]),
  );
}

const afterAckOf = (t: Tally) =>
  t.delivered.map((d) => d.at - (t.ackAt.get(d.op) ?? NaN));

/** Pools the samples of blocks of the same scenario and workload on one server. */
export function mergeBlocks(blocks: Block[]): ScenarioResult {
  const ts = blocks.map((b) => b.t);
  const pool = (f: (t: Tally) => number[]) => summarize(ts.flatMap(f));
  const total = (f: (b: Block) => number) => sum(blocks.map(f));
  const { block: _, ...cfg } = blocks[0].cfg;
  const durationS = total((b) => b.cfg.durationS);
  const expected = total((b) => b.expected);
  const received = sum(ts.map((t) => t.received));
  return {
    ...cfg,
    durationS,
    blocks: blocks.length,
    blockP99: ts.map((t) => summarize(t.latency).p99),
    blockPressure: blocks.map((b) => b.server.machinePressurePct),
    subscribers: blocks[0].subscribers,
    senders: blocks[0].senders,
    warmupMessages: total((b) => b.warmup),
    sent: sum(ts.flatMap((t) => Object.values(t.sent))),
    sentByKind: Object.fromEntries(
      OP_KINDS.map((k) => [k, sum(ts.map((t) => t.sent[k]))]),
    ) as Record<OpKind, number>,
    acked: sum(ts.flatMap((t) => Object.values(t.acked))),
    unchanged: sum(ts.map((t) => t.unchanged)),
    sendErrors: ts.reduce(
      (a, t) => addCounts(a, t.sendErrors),
      {} as Record<string, number>,
    ),
    expectedDeliveries: expected,
    received,
    lost: total((b) => b.lost),
    duplicates: total((b) => b.duplicates),
    outOfOrder: total((b) => b.outOfOrder),
    socketsClosedEarly: total((b) => b.socketsClosedEarly),
    socketOpenRetries: total((b) => b.socketOpenRetries),
    socketOpenErrors: [...new Set(blocks.flatMap((b) => b.socketOpenErrors))],
    latency: pool((t) => t.latency),
    byKind: Object.fromEntries(
      OP_KINDS.map((k) => [k, pool((t) => t.byKind[k])]),
    ) as Record<OpKind, Summary>,
    sameIsolate: pool((t) => t.same),
    crossIsolate: pool((t) => t.cross),
    ack: pool((t) => t.ackMs),
    afterAck: pool(afterAckOf),
    p99BySecond: ts.flatMap((t) =>
      Array.from(t.bySecond, (xs) => summarize(xs ?? []).p99)
    ),
    offeredDeliveriesPerS: expected / durationS,
    deliveriesPerS: received /
      sum(ts.map((t) => (t.lastAt - t.firstAt) / 1000)),
    socketsPerIsolate: perIsolate(blocks),
    client: meanShare(blocks.map((b) => b.client)),
    server: meanShare(blocks.map((b) => b.server)),
  };
}
