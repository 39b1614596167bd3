/**
 * Fan-out benchmark: the real `deno serve --parallel` server, N subscriber sockets, a fixed
 * op rate for a bounded time; end-to-end latency per room event delivered, throughput, and
 * loss, duplicates and reordering by event seq (which must all be zero). The current tree runs
 * a send-only and a mixed workload; the baseline commit (before the event log) runs send-only
 * with the same load generator. Each runs with 2 isolates, then with 1.
 */
import { startServer } from "../tests/helpers/server.ts";
import {
  type FanoutRun,
  type Plan,
  runMode,
  type TreeRole,
} from "./fanout_mode.ts";
import type { Workload } from "./fanout_ops.ts";
import {
  BASELINE_COMMIT,
  exportTree,
  type ServerTree,
  workingTreeCommit,
} from "./server_tree.ts";

export type { FanoutRun, TreeRole };

/** One figure of a run divided by the same figure of another. */
export type FanoutRatio = {
  scenario: string;
  mode: "parallel" | "single";
  p50: number;
  p99: number;
  /** The median of the blocks' own p99s over the same: one block hit by other load moves it less. */
  blockP99Median: number;
  deliveriesPerS: number;
};

/** Every run and the ratios the report prints. */
export type FanoutResult = {
  baselineCommit: string;
  currentCommit: string;
  runs: FanoutRun[];
  /** Current send-only / baseline send-only: what the event log costs. */
  vsBaseline: FanoutRatio[];
  /** Current mixed / current send-only. */
  mixedVsSend: FanoutRatio[];
  /** Current parallel / current single, send-only. */
  parallelVsSingle: FanoutRatio[];
};
const QUICK: Plan = {
  users: 6,
  blocks: 1,
  scenarios: [
    { name: "1x120", rooms: 1, subsPerRoom: 120, msgPerS: 6, durationS: 3 },
    { name: "10x12", rooms: 10, subsPerRoom: 12, msgPerS: 20, durationS: 3 },
  ],
};

// Registration is limited to 20 per address per hour (per server: each has a fresh KV);
// sends to 60 per user per 10 s. Three 5 s blocks per figure: a median resists one bad block.
const FULL: Plan = {
  users: 20,
  blocks: 3,
  scenarios: [
    { name: "1x1000", rooms: 1, subsPerRoom: 1000, msgPerS: 20, durationS: 15 },
    {
      name: "10x100",
      rooms: 10,
      subsPerRoom: 100,
      msgPerS: 100,
      durationS: 15,
    },
  ],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `a`'s figure over `b`'s, for each scenario both ran with the given workloads. */
function ratios(
  a: FanoutRun | undefined,
  aWork: Workload,
  b: FanoutRun | undefined,
  bWork: Workload,
): FanoutRatio[] {
  if (!a || !b) return [];
  return a.scenarios.filter((x) => x.workload === aWork).flatMap((x) => {
    const y = b.scenarios.find((s) =>
      s.name === x.name && s.workload === bWork
    );
    return y
      ? [{
        scenario: x.name,
        mode: a.mode,
        p50: x.latency.p50 / y.latency.p50,
        p99: x.latency.p99 / y.latency.p99,
        blockP99Median: median(x.blockP99) / median(y.blockP99),
        deliveriesPerS: x.deliveriesPerS / y.deliveriesPerS,
      }]
      : [];
  });
}

/** The working tree's server, or with `rev` that commit's, exported like the baseline. */
async function currentTree(rev?: string): Promise<ServerTree> {
  if (rev) return await exportTree(rev);
  return {
    commit: await workingTreeCommit(),
    start: startServer,
    remove: () => Promise.resolve(),
  };
}

/** Runs the baseline and the current server side by side, 2 isolates then 1 (quick: 2 only). */
export async function runFanout(
  opts: { quick: boolean; current?: string; log: (line: string) => void },
): Promise<FanoutResult> {
  const plan = opts.quick ? QUICK : FULL;
  const modes = opts.quick
    ? ["parallel" as const]
    : ["parallel" as const, "single" as const];
  const baseline = await exportTree(BASELINE_COMMIT);
  const current = await currentTree(opts.current).catch(async (err) => {
    await baseline.remove();
    throw err;
  });
  const trees = {
    baseline: { tree: "baseline" as const, ...baseline },
    current: { tree: "current" as const, ...current },
  };
  const runs: FanoutRun[] = [];
  try {
    for (const mode of modes) {
      runs.push(...await runMode(mode, trees, plan, opts.log));
    }
  } finally {
    await baseline.remove();
    await current.remove();
  }
  const find = (tree: TreeRole, mode: string) =>
    runs.find((r) => r.tree === tree && r.mode === mode);
  return {
    baselineCommit: baseline.commit,
    currentCommit: current.commit,
    runs,
    vsBaseline: modes.flatMap((m) =>
      ratios(find("current", m), "send", find("baseline", m), "send")
    ),
    mixedVsSend: modes.flatMap((m) =>
      ratios(find("current", m), "mixed", find("current", m), "send")
    ),
    parallelVsSingle: ratios(
      find("current", "parallel"),
      "send",
      find("current", "single"),
      "send",
    ),
  };
}
