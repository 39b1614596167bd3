/**
 * The peers section of the report: figures per server, Vicinity / peer ratios (the bare
 * Deno floor among the peers, and the floor / Node ws), the goals (against Node only).
 */
import type { PeerFigures, PeerRun, PeersResult } from "./peers_bench.ts";
import { fmt, int, table } from "./stats.ts";

/** The goals for Vicinity against the peers. */
export const GOALS = {
  /** p99 at 40 msg/s over the ws + Redis peer's, and over the plain ws peer's. */
  p99VsRedis: 1.0,
  p99VsWs: 1.3,
  /** Server CPU per delivery over the ws peer's. */
  cpuVsWs: 1.0,
  /** Bytes of server memory per idle authenticated socket. */
  idleBytes: 12 * 1024,
  /** p99 at 80 msg/s sustained, with nothing lost. */
  sustainedP99Ms: 100,
} as const;

const PEERS = ["deno-bare", "ws", "socketio", "wsredis"];
const kib = (bytes: number | undefined) => fmt((bytes ?? NaN) / 1024, 1);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? NaN : a / b;
const x = (r: number) => `${fmt(r)}x`;
const faults = (f?: PeerFigures) =>
  f ? `${f.lost}/${f.duplicates}/${f.outOfOrder}` : "-";

function figuresTable(r: PeersResult): string {
  const { steady: st, sustained: su } = r.plan;
  return table(
    [
      "server",
      `${st.name} p50 ms`,
      "p99 ms",
      "dlv/s",
      "cpu µs/dlv",
      "lost/dup/ooo",
      "KiB/idle socket",
      "(from none)",
      "(V8 heap)",
      `${su.name} p50 ms`,
      "p99 ms",
      "dlv/s",
      "cpu µs/dlv",
      "lost/dup/ooo",
      "acked",
      "client cpu% (both)",
      "cpu pressure% (both)",
    ],
    r.runs.map((run) => [
      run.label,
      fmt(run.steady?.latency.p50 ?? NaN, 1),
      fmt(run.steady?.latency.p99 ?? NaN, 1),
      int(run.steady?.deliveriesPerS ?? NaN),
      fmt(run.steady?.cpuUsPerDelivery ?? NaN, 1),
      faults(run.steady),
      kib(run.idle?.perSocket),
      kib(run.idle?.perSocketFromNone),
      kib(run.idle?.heapPerSocket),
      fmt(run.sustained?.latency.p50 ?? NaN, 1),
      fmt(run.sustained?.latency.p99 ?? NaN, 1),
      int(run.sustained?.deliveriesPerS ?? NaN),
      fmt(run.sustained?.cpuUsPerDelivery ?? NaN, 1),
      faults(run.sustained),
      run.sustained ? `${run.sustained.acked}/${run.sustained.sent}` : "-",
      [run.steady, run.sustained].map((f) => fmt(f?.client.cpuPct ?? NaN, 0))
        .join(" / "),
      [run.steady, run.sustained].map((f) =>
        fmt(f?.server.machinePressurePct ?? NaN, 0)
      ).join(" / "),
    ]),
  );
}

const vicinities = (r: PeersResult) =>
  r.runs.filter((run) => run.key.startsWith("vicinity"));
const peerRuns = (r: PeersResult) =>
  r.runs.filter((run) => PEERS.includes(run.key));

const ratioRow = (v: PeerRun, p: PeerRun) => [
  `${v.label} / ${p.label}`,
  x(ratio(v.steady?.latency.p50, p.steady?.latency.p50)),
  x(ratio(v.steady?.latency.p99, p.steady?.latency.p99)),
  x(ratio(v.steady?.deliveriesPerS, p.steady?.deliveriesPerS)),
  x(ratio(v.steady?.cpuUsPerDelivery, p.steady?.cpuUsPerDelivery)),
  x(ratio(v.idle?.perSocket, p.idle?.perSocket)),
  x(ratio(v.sustained?.latency.p99, p.sustained?.latency.p99)),
  x(ratio(v.sustained?.cpuUsPerDelivery, p.sustained?.cpuUsPerDelivery)),
];

function ratioTable(r: PeersResult): string {
  const run = (key: string) => r.runs.filter((p) => p.key === key);
  // The floor against Node ws: how much of Vicinity's gap is the Deno runtime's own.
  const floor = run("deno-bare").flatMap((d) =>
    run("ws").map((w) => ratioRow(d, w))
  );
  const rows = vicinities(r).flatMap((v) =>
    peerRuns(r).map((p) => ratioRow(v, p))
  ).concat(floor);
  const { steady: st, sustained: su } = r.plan;
  return table(
    [
      "server / peer",
      `${st.name} p50`,
      "p99",
      "dlv/s",
      "cpu/dlv",
      "bytes/idle socket",
      `${su.name} p99`,
      "cpu/dlv",
    ],
    rows,
  );
}

const verdict = (ok: boolean, measured: boolean) =>
  !measured ? "NOT MEASURED" : ok ? "MET" : "MISSED";

/** Above this machine-wide CPU pressure in a block, other load can decide a p99. */
const NOISY_PRESSURE_PCT = 20;
/** Above this share of a core, the load generator's own queueing is in the latencies. */
const BUSY_CLIENT_PCT = 75;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A p99 ratio at the steady rate, with the median of block p99s and a noise flag. */
function p99Goal(v: PeerRun, p: PeerRun | undefined, limit: number) {
  const a = v.steady, b = p?.steady;
  const pooled = ratio(a?.latency.p99, b?.latency.p99);
  const blocks = a && b ? median(a.blockP99) / median(b.blockP99) : NaN;
  const pressure = Math.max(...[a, b].flatMap((f) => f?.blockPressure ?? []));
  return {
    value:
      `${x(pooled)} (median of block p99s ${x(blocks)}: ${
        verdict(blocks <= limit, Number.isFinite(blocks))
      })` + (pressure > NOISY_PRESSURE_PCT
        ? `; NOISY: machine cpu pressure reached ${fmt(pressure, 0)}%`
        : ""),
    ok: pooled <= limit,
    measured: Number.isFinite(pooled),
  };
}

/** Says so when the load generator was near a full core in a sustained run. */
function generatorNote(su: PeerFigures | undefined, ws: PeerRun | undefined) {
  if (!su || su.client.cpuPct < BUSY_CLIENT_PCT) return "";
  return `; GENERATOR-BOUND: the load generator used ${
    fmt(su.client.cpuPct, 0)
  }% of a core, so its own queueing is in this p99 (the plain ws peer's: ${
    fmt(ws?.sustained?.latency.p99 ?? NaN, 1)
  } ms)`;
}

function goalLines(v: PeerRun, r: PeersResult): string[] {
  const peer = (key: string) => r.runs.find((run) => run.key === key);
  const vsRedis = p99Goal(v, peer("wsredis"), GOALS.p99VsRedis);
  const vsWs = p99Goal(v, peer("ws"), GOALS.p99VsWs);
  const cpu = ratio(
    v.steady?.cpuUsPerDelivery,
    peer("ws")?.steady?.cpuUsPerDelivery,
  );
  const idle = v.idle?.perSocket ?? NaN;
  const su = v.sustained;
  const clean = !!su && su.lost === 0 && su.duplicates === 0 &&
    su.outOfOrder === 0 && su.acked === su.sent;
  const line = (goal: string, value: string, ok: boolean, measured: boolean) =>
    `${v.label}: ${goal}: ${value}: ${verdict(ok, measured)}`;
  return [
    line(
      `p99 <= ${GOALS.p99VsRedis}x ws + Redis`,
      vsRedis.value,
      vsRedis.ok,
      vsRedis.measured,
    ),
    line(`p99 <= ${GOALS.p99VsWs}x ws`, vsWs.value, vsWs.ok, vsWs.measured),
    line(
      `cpu per delivery <= ${GOALS.cpuVsWs}x ws`,
      x(cpu),
      cpu <= GOALS.cpuVsWs,
      Number.isFinite(cpu),
    ),
    line(
      `<= ${GOALS.idleBytes / 1024} KiB per idle socket`,
      `${kib(idle)} KiB`,
      idle <= GOALS.idleBytes,
      // Resident memory that shrank as sockets opened says nothing (a quick run's few sockets).
      idle > 0,
    ),
    line(
      `${r.plan.sustained.name} sustained, p99 <= ${GOALS.sustainedP99Ms} ms, nothing lost`,
      `p99 ${fmt(su?.latency.p99 ?? NaN, 1)} ms, lost/dup/ooo ${
        faults(su)
      }, acked ${su?.acked ?? 0}/${su?.sent ?? 0}`,
      clean && (su?.latency.p99 ?? Infinity) <= GOALS.sustainedP99Ms,
      !!su,
    ) + generatorNote(su, peer("ws")),
  ];
}

/** The peers section: the figures, the ratios, the goals, and what was skipped. */
export function peersText(r: PeersResult): string {
  const { steady: st, sustained: su } = r.plan;
  return [
    `== peers: Vicinity (${r.commit}), a bare Deno floor and Node peers, same load generator, 127.0.0.1; ${st.name}: ${st.blocks} block(s) of ${
      fmt(st.durationS / st.blocks, 1)
    } s per server, alternating; ${su.name}: one ${su.durationS} s block each ==`,
    "Bare Deno (floor) = Deno.serve + Deno.upgradeWebSocket speaking the Node ws peer's protocol and frames, no app: the runtime's own share;",
    "latency = message.send leaving the client -> its message.new at each subscriber;",
    "cpu µs/dlv = server processes' CPU time (/proc, user+system; ws + Redis counts redis-server too) over deliveries in the timed run;",
    `KiB/idle socket = growth of the resident set per signed-in socket (no room) from ${
      r.plan.idleSockets / 4
    } open to ${r.plan.idleSockets} (from none: 0 to ${r.plan.idleSockets}), each read after a full GC in every isolate;`,
    "V8 heap = the same slope of the JS heaps alone (used + external); the rest of the resident growth is native memory.",
    figuresTable(r),
    "",
    ratioTable(r),
    "",
    ...vicinities(r).flatMap((v) => goalLines(v, r)),
    ...r.skipped.map((s) => `skipped ${s.key}: ${s.reason}`),
    ...r.runs.flatMap((run) =>
      run.warnings.length
        ? [`${run.label} printed:\n  ${run.warnings.join("\n  ")}`]
        : []
    ),
  ].join("\n");
}
