/**
 * One server mode of the fan-out benchmark (2 isolates or 1): the baseline and the current
 * server up side by side, each scenario run in blocks that alternate between them.
 */
import type { TestUser } from "../tests/helpers/api.ts";
import type { startServer, TestServer } from "../tests/helpers/server.ts";
import { mergeBlocks, type ScenarioResult } from "./fanout_merge.ts";
import type { Workload } from "./fanout_ops.ts";
import {
  type Block,
  runScenario,
  type ScenarioConfig,
  warmupCount,
} from "./fanout_scenario.ts";
import { createPacer, type Pacer, setupServer } from "./fanout_setup.ts";
import { childPids } from "./machine.ts";
import { fmt } from "./stats.ts";

/** Which server a run measured: the baseline commit, or the current one. */
export type TreeRole = "baseline" | "current";

/** One server (2 isolates or 1) and its scenarios. */
export type FanoutRun = {
  tree: TreeRole;
  /** The commit it ran, e.g. "4d9a982" or "1a2b3c4+uncommitted". */
  commit: string;
  mode: "parallel" | "single";
  jobs: number;
  users: number;
  setupSeconds: number;
  scenarios: ScenarioResult[];
  serverWarnings: string[];
};

const progressLine = (r: ScenarioResult) =>
  `p50 ${fmt(r.latency.p50, 1)} / p99 ${fmt(r.latency.p99, 1)} ms (ack p99 ${
    fmt(r.ack.p99, 1)
  }), ${
    fmt(r.deliveriesPerS, 0)
  } deliveries/s, lost ${r.lost} dup ${r.duplicates} ooo ${r.outOfOrder}, errors ${
    JSON.stringify(r.sendErrors)
  }, cpu client ${fmt(r.client.cpuPct, 0)}% server ${
    fmt(r.server.cpuPct, 0)
  }%, machine cpu pressure ${
    fmt(r.server.machinePressurePct, 0)
  }%, p99 by second ${r.p99BySecond.map((x) => fmt(x, 0)).join(" ")}`;

/** Users, blocks per figure, and scenarios; `durationS` is split over the blocks. */
export type Plan = {
  users: number;
  blocks: number;
  scenarios: ScenarioConfig[];
};
type Tree = { tree: TreeRole; commit: string; start: typeof startServer };

/** A started, set-up server and the blocks it has run so far. */
type Live = Tree & {
  srv: TestServer;
  pid: number;
  mode: "parallel" | "single";
  users: TestUser[];
  roomIds: string[];
  setupSeconds: number;
  pacer: Pacer;
  blocks: Block[];
};

async function startLive(
  tree: Tree,
  mode: "parallel" | "single",
  plan: Plan,
  log: (line: string) => void,
): Promise<Live> {
  const jobs = mode === "parallel" ? 2 : 1;
  const before = new Set(await childPids());
  // A bench's joiners arrive all at once: exactly what the raid shield is for, so it is off.
  const srv = await tree.start({
    DENO_JOBS: String(jobs),
    VICINITY_RAID_SHIELD: "off",
  }).catch((err) => {
    throw new Error(`${tree.tree} server (${tree.commit}) did not start`, {
      cause: err,
    });
  });
  const pid = (await childPids()).find((p) => !before.has(p)) ?? -1;
  const t0 = performance.now();
  try {
    const maxRooms = Math.max(...plan.scenarios.map((s) => s.rooms));
    const { users, roomIds } = await setupServer(srv.url, plan.users, maxRooms);
    const setupSeconds = (performance.now() - t0) / 1000;
    log(
      `  ${tree.tree} ${mode} (${tree.commit}, DENO_JOBS=${jobs}): ${users.length} users, ${roomIds.length} rooms ready in ${
        setupSeconds.toFixed(1)
      } s`,
    );
    const pacer = createPacer(users.length);
    return {
      ...tree,
      srv,
      pid,
      mode,
      users,
      roomIds,
      setupSeconds,
      pacer,
      blocks: [],
    };
  } catch (err) {
    await srv.stop().catch(() => {});
    throw err;
  }
}

async function runBlock(
  live: Live,
  cfg: ScenarioConfig & { workload: Workload; block: number },
  log: (line: string) => void,
) {
  await live.pacer.before(cfg.msgPerS * cfg.durationS + warmupCount(cfg));
  const block = await runScenario(live.srv.url, live.users, live.roomIds, cfg, {
    pid: live.pid,
    onOp: live.pacer.onOp,
  });
  live.blocks.push(block);
  log(
    `  ${live.tree} ${live.mode} ${cfg.name} ${cfg.workload} #${
      cfg.block + 1
    }: ${progressLine(mergeBlocks([block]))}`,
  );
}

function toRun(live: Live, plan: Plan): FanoutRun {
  const scenarios = plan.scenarios.flatMap((cfg) =>
    (["send", "mixed"] as const).flatMap((w) => {
      const blocks = live.blocks.filter((b) =>
        b.cfg.name === cfg.name && b.cfg.workload === w
      );
      return blocks.length ? [mergeBlocks(blocks)] : [];
    })
  );
  return {
    tree: live.tree,
    commit: live.commit,
    mode: live.mode,
    jobs: live.mode === "parallel" ? 2 : 1,
    users: live.users.length,
    setupSeconds: live.setupSeconds,
    scenarios,
    serverWarnings: live.srv.output().split("\n")
      .filter((l) => /warn|error/i.test(l)).slice(0, 20),
  };
}

/**
 * Both servers up at once, each scenario run in blocks that alternate between them
 * (current send, baseline send, current mixed; then the reverse), so that load from other
 * work on the machine lands on both alike; each figure pools its blocks.
 */
export async function runMode(
  mode: "parallel" | "single",
  trees: { baseline: Tree; current: Tree },
  plan: Plan,
  log: (line: string) => void,
): Promise<FanoutRun[]> {
  const lives: Live[] = [];
  try {
    const b = await startLive(trees.baseline, mode, plan, log);
    lives.push(b);
    const c = await startLive(trees.current, mode, plan, log);
    lives.push(c);
    for (const cfg of plan.scenarios) {
      const durationS = cfg.durationS / plan.blocks;
      for (let block = 0; block < plan.blocks; block++) {
        const steps: [Live, Workload][] = [
          [c, "send"],
          [b, "send"],
          [c, "mixed"],
        ];
        if (block % 2) steps.reverse();
        for (const [live, workload] of steps) {
          await runBlock(live, { ...cfg, durationS, workload, block }, log);
        }
      }
    }
    return lives.map((l) => toRun(l, plan));
  } finally {
    // Every server is stopped even when one reports faults; those are logged, not thrown.
    const stops = await Promise.allSettled(lives.map((l) => l.srv.stop()));
    stops.forEach((r, i) => {
      if (r.status === "rejected") {
        log(`  ${lives[i].tree} ${mode}: ${r.reason}`);
      }
    });
  }
}
