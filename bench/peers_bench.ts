/**
 * Peers bench: Vicinity, a bare Deno server as its floor, and three Node peers (ws,
 * Socket.IO, ws persisting to Redis) up side by side, measured by the same load generator
 * as the fan-out bench: 1 room × 1,000 subscribers at 40 msg/s in blocks that alternate
 * between servers, then 80 msg/s sustained; end-to-end latency, deliveries/s, server CPU
 * per delivery, and memory per idle authenticated socket (measured first, one server at a
 * time).
 */
import { mergeBlocks, type ScenarioResult } from "./fanout_merge.ts";
import {
  type Block,
  runScenario,
  type ScenarioConfig,
  warmupCount,
} from "./fanout_scenario.ts";
import { workingTreeCommit } from "./server_tree.ts";
import { fmt } from "./stats.ts";
import { type IdleResult, measureIdle } from "./peers_idle.ts";
import { ensurePeerPackages, installed } from "./peers_procs.ts";
import {
  type BenchServer,
  LABELS,
  SERVER_KEYS,
  type ServerKey,
  startBenchServer,
} from "./peers_servers.ts";

/** Users per server, idle sockets and rounds, and the two load scenarios. */
export type PeersPlan = {
  users: number;
  idleSockets: number;
  /** `durationS` is split over `blocks`, which alternate between the servers. */
  steady: ScenarioConfig & { blocks: number };
  sustained: ScenarioConfig;
};

// Scenario names go into clientIds, so only [A-Za-z0-9_-]. 60 users keep within Vicinity's
// cap of 20 sockets per user per isolate (17 each, plus a sender).
const FULL: PeersPlan = {
  users: 60,
  idleSockets: 1000,
  steady: {
    name: "1x1000-40msgs",
    rooms: 1,
    subsPerRoom: 1000,
    msgPerS: 40,
    durationS: 15,
    blocks: 3,
  },
  sustained: {
    name: "1x1000-80msgs",
    rooms: 1,
    subsPerRoom: 1000,
    msgPerS: 80,
    durationS: 20,
  },
};

const QUICK: PeersPlan = {
  users: 8,
  idleSockets: 100,
  steady: {
    name: "1x100-10msgs",
    rooms: 1,
    subsPerRoom: 100,
    msgPerS: 10,
    durationS: 2,
    blocks: 1,
  },
  sustained: {
    name: "1x100-20msgs",
    rooms: 1,
    subsPerRoom: 100,
    msgPerS: 20,
    durationS: 2,
  },
};

/** A scenario's figures on one server, with its CPU time per delivery. */
export type PeerFigures = ScenarioResult & {
  serverCpuSeconds: number;
  cpuUsPerDelivery: number;
};

/** One server's figures; absent ones were not measured. */
export type PeerRun = {
  key: ServerKey;
  label: string;
  setupSeconds: number;
  idle?: IdleResult;
  steady?: PeerFigures;
  sustained?: PeerFigures;
  warnings: string[];
};

/** Every server that ran, those skipped and why, the plan, and Vicinity's commit. */
export type PeersResult = {
  plan: PeersPlan;
  /** The working tree's HEAD, marked when tracked files outside bench/ differ from it. */
  commit: string;
  runs: PeerRun[];
  skipped: { key: ServerKey; reason: string }[];
};

function figures(blocks: Block[]): PeerFigures {
  const cpu = blocks.reduce((a, b) => a + b.serverCpuSeconds, 0);
  const received = blocks.reduce((a, b) => a + b.t.received, 0);
  return {
    ...mergeBlocks(blocks),
    serverCpuSeconds: cpu,
    cpuUsPerDelivery: (cpu / received) * 1e6,
  };
}

async function block(
  s: BenchServer,
  cfg: ScenarioConfig & { block: number },
  log: (line: string) => void,
): Promise<Block> {
  await s.pacer.before(cfg.msgPerS * cfg.durationS + warmupCount(cfg));
  const b = await runScenario(s.url, s.users, s.roomIds, {
    ...cfg,
    workload: "send",
  }, { pid: s.pid, onOp: s.pacer.onOp, open: s.open, cpuPids: s.pids });
  const f = figures([b]);
  log(
    `  ${LABELS[s.key]} ${cfg.name} #${cfg.block + 1}: p50 ${
      fmt(f.latency.p50, 1)
    } / p99 ${fmt(f.latency.p99, 1)} ms, ${fmt(f.deliveriesPerS, 0)} dlv/s, ${
      fmt(f.cpuUsPerDelivery, 1)
    } µs cpu/dlv, lost ${f.lost} dup ${f.duplicates} ooo ${f.outOfOrder}, client cpu ${
      fmt(f.client.cpuPct, 0)
    }%, cpu pressure ${fmt(f.server.machinePressurePct, 0)}%`,
  );
  return b;
}

/** Which servers can run here, and why the others cannot. */
async function available(
  chosen: readonly ServerKey[],
  log: (line: string) => void,
) {
  const skipped: PeersResult["skipped"] = SERVER_KEYS
    .filter((k) => !chosen.includes(k))
    .map((key) => ({ key, reason: "not chosen (--servers)" }));
  const wanted = (k: ServerKey) => chosen.includes(k);
  const peers = (["ws", "socketio", "wsredis"] as const).filter(wanted);
  const node = peers.length ? await ensurePeerPackages(log) : null;
  if (node) {
    for (const key of peers) skipped.push({ key, reason: node });
  } else if (wanted("wsredis") && !await installed("redis-server")) {
    skipped.push({
      key: "wsredis",
      reason:
        "redis-server is not installed (apt-get install redis-server); ws + Redis skipped",
    });
  }
  return {
    keys: SERVER_KEYS.filter((k) => !skipped.some((s) => s.key === k)),
    skipped,
  };
}

/** Starts every server, measures idle memory one by one, then both load scenarios. */
export async function runPeers(
  opts: {
    quick: boolean;
    /** The servers to run (default: all). */
    servers?: readonly ServerKey[];
    log: (line: string) => void;
  },
): Promise<PeersResult> {
  const plan = opts.quick ? QUICK : FULL;
  // Read before the servers start: what they load is what this names.
  const commit = await workingTreeCommit();
  const { keys, skipped } = await available(
    opts.servers ?? SERVER_KEYS,
    opts.log,
  );
  for (const s of skipped) opts.log(`  skipped ${LABELS[s.key]}: ${s.reason}`);
  const servers: BenchServer[] = [];
  const blocks = new Map<ServerKey, { steady: Block[]; sustained: Block[] }>();
  const runs: PeerRun[] = [];
  try {
    for (const key of keys) {
      const s = await startBenchServer(key, plan.users);
      servers.push(s);
      blocks.set(key, { steady: [], sustained: [] });
      opts.log(
        `  ${LABELS[key]} up at ${s.url} (pids ${
          s.pids.join(", ")
        }), ${s.users.length} users in ${fmt(s.setupSeconds, 1)} s`,
      );
    }
    const idle = new Map<ServerKey, IdleResult>();
    for (const s of servers) {
      const m = await measureIdle(s, plan.idleSockets);
      idle.set(s.key, m);
      opts.log(
        `  ${LABELS[s.key]} idle: ${
          fmt(m.perSocket / 1024, 1)
        } KiB per socket (${
          fmt(m.perSocketFromNone / 1024, 1)
        } from none; V8 heap ${
          fmt(m.heapPerSocket / 1024, 1)
        }), MiB by sockets open (rss/heap): ${
          m.steps.map((x) =>
            `${x.sockets}:${fmt(x.rssBytes / 2 ** 20, 1)}/${
              fmt(x.heapBytes / 2 ** 20, 1)
            }`
          ).join(" ")
        }`,
      );
    }
    const { blocks: n, ...steady } = plan.steady;
    for (let b = 0; b < n; b++) {
      const order = b % 2 ? [...servers].reverse() : servers;
      for (const s of order) {
        const cfg = { ...steady, durationS: steady.durationS / n, block: b };
        blocks.get(s.key)!.steady.push(await block(s, cfg, opts.log));
      }
    }
    for (const s of [...servers].reverse()) {
      const cfg = { ...plan.sustained, block: 0 };
      blocks.get(s.key)!.sustained.push(await block(s, cfg, opts.log));
    }
    for (const s of servers) {
      const b = blocks.get(s.key)!;
      runs.push({
        key: s.key,
        label: LABELS[s.key],
        setupSeconds: s.setupSeconds,
        idle: idle.get(s.key),
        steady: b.steady.length ? figures(b.steady) : undefined,
        sustained: b.sustained.length ? figures(b.sustained) : undefined,
        warnings: [],
      });
    }
  } finally {
    for (const s of servers) {
      const warnings = await s.stop();
      const run = runs.find((r) => r.key === s.key);
      if (run) run.warnings = warnings;
      else if (warnings.length) opts.log(`  ${LABELS[s.key]}: ${warnings}`);
    }
  }
  return { plan, commit, runs, skipped };
}
