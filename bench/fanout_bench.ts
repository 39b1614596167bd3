/**
 * Fan-out benchmark: the real `deno serve --parallel` server, N subscriber sockets, a fixed
 * publish rate for a bounded time; end-to-end latency per delivery, throughput, and loss,
 * duplicates and reordering (which must all be zero). Run once with 2 isolates, once with 1.
 */
import { createRoom, joinRoom, registerUser } from "../tests/helpers/api.ts";
import { startServer } from "../tests/helpers/server.ts";
import { mapLimit } from "./fanout_client.ts";
import {
  runScenario,
  type ScenarioConfig,
  type ScenarioResult,
  warmupCount,
} from "./fanout_scenario.ts";
import { childPids } from "./machine.ts";
import { fmt } from "./stats.ts";

/** One server (2 isolates or 1) and its scenarios. */
export type FanoutRun = {
  mode: "parallel" | "single";
  jobs: number;
  users: number;
  setupSeconds: number;
  scenarios: ScenarioResult[];
  serverWarnings: string[];
};

/** Both runs and the parallel / single ratios per scenario. */
export type FanoutResult = {
  runs: FanoutRun[];
  ratios: { scenario: string; p99: number; deliveriesPerS: number }[];
};

const CITY = { lat: 52.52, lng: 13.405 };
const SEND_WINDOW_MS = 10_000;
const SEND_MAX_PER_WINDOW = 60;

/** Waits for the next send-limit window when this scenario could overflow the current one. */
async function clearSendWindow(sentPerUser: number, nextPerUser: number) {
  if (sentPerUser + nextPerUser <= SEND_MAX_PER_WINDOW - 5) return;
  const now = Date.now();
  await new Promise((r) =>
    setTimeout(r, SEND_WINDOW_MS - (now % SEND_WINDOW_MS) + 200)
  );
}

async function setupServer(base: string, nUsers: number, nRooms: number) {
  // Registration hashes with PBKDF2 (600k rounds), so two at a time keeps both isolates busy.
  const users = await mapLimit(
    Array.from({ length: nUsers }),
    2,
    () => registerUser(base, "bench"),
  );
  const points = Array.from({ length: nRooms }, (_, i) => ({
    lat: CITY.lat + 0.01 * Math.floor(i / 5),
    lng: CITY.lng + 0.01 * (i % 5),
  }));
  const rooms = await mapLimit(
    points,
    1,
    (p, i) => createRoom(base, users[0], p, { name: `Bench room ${i}` }),
  );
  const joins = users.slice(1).flatMap((u) =>
    rooms.map((r, i) => ({ u, r, i }))
  );
  await mapLimit(
    joins,
    10,
    ({ u, r, i }) => joinRoom(base, u, r.id, points[i]),
  );
  return { users, roomIds: rooms.map((r) => r.id) };
}

async function runServer(
  mode: "parallel" | "single",
  opts: { users: number; scenarios: ScenarioConfig[] },
  log: (line: string) => void,
): Promise<FanoutRun> {
  const jobs = mode === "parallel" ? 2 : 1;
  const before = new Set(await childPids());
  const server = await startServer({ DENO_JOBS: String(jobs) });
  try {
    const serverPid = (await childPids()).find((p) => !before.has(p)) ?? -1;
    const t0 = performance.now();
    const maxRooms = Math.max(...opts.scenarios.map((s) => s.rooms));
    const { users, roomIds } = await setupServer(
      server.url,
      opts.users,
      maxRooms,
    );
    const setupSeconds = (performance.now() - t0) / 1000;
    log(
      `  ${mode} (DENO_JOBS=${jobs}): ${users.length} users, ${roomIds.length} rooms ready in ${
        setupSeconds.toFixed(1)
      } s`,
    );
    const scenarios: ScenarioResult[] = [];
    let sentPerUser = 0;
    for (const cfg of opts.scenarios) {
      const perUser = Math.ceil(
        (cfg.msgPerS * cfg.durationS + warmupCount(cfg)) / users.length,
      );
      await clearSendWindow(sentPerUser, perUser);
      sentPerUser = perUser;
      const r = await runScenario(server.url, users, roomIds, cfg, serverPid);
      log(
        `  ${mode} ${cfg.name}: p50 ${fmt(r.latency.p50, 1)} / p99 ${
          fmt(r.latency.p99, 1)
        } ms (ack p99 ${fmt(r.ack.p99, 1)}), ${
          fmt(r.deliveriesPerS, 0)
        } deliveries/s, lost ${r.lost}, cpu client ${
          fmt(r.client.cpuPct, 0)
        }% server ${fmt(r.server.cpuPct, 0)}%, machine cpu pressure ${
          fmt(r.server.machinePressurePct, 0)
        }%, p99 by second ${r.p99BySecond.map((x) => fmt(x, 0)).join(" ")}`,
      );
      scenarios.push(r);
    }
    const serverWarnings = server.output().split("\n")
      .filter((l) => /warn|error/i.test(l)).slice(0, 20);
    return {
      mode,
      jobs,
      users: users.length,
      setupSeconds,
      scenarios,
      serverWarnings,
    };
  } finally {
    await server.stop();
  }
}

/** Runs the fan-out benchmark on a 2-isolate server and a 1-isolate baseline. */
export async function runFanout(
  opts: { quick: boolean; log: (line: string) => void },
): Promise<FanoutResult> {
  const plan = opts.quick
    ? {
      users: 6,
      scenarios: [
        { name: "1x120", rooms: 1, subsPerRoom: 120, msgPerS: 6, durationS: 3 },
        {
          name: "10x12",
          rooms: 10,
          subsPerRoom: 12,
          msgPerS: 20,
          durationS: 3,
        },
      ],
    }
    : {
      // Registration is limited to 20 per address per hour; sends to 60 per user per 10 s.
      users: 20,
      scenarios: [
        {
          name: "1x1000",
          rooms: 1,
          subsPerRoom: 1000,
          msgPerS: 20,
          durationS: 10,
        },
        {
          name: "10x100",
          rooms: 10,
          subsPerRoom: 100,
          msgPerS: 100,
          durationS: 10,
        },
      ],
    };
  const runs = [
    await runServer("parallel", plan, opts.log),
    await runServer("single", plan, opts.log),
  ];
  const ratios = runs[0].scenarios.map((p, i) => {
    const s = runs[1].scenarios[i];
    return {
      scenario: p.name,
      p99: p.latency.p99 / s.latency.p99,
      deliveriesPerS: p.deliveriesPerS / s.deliveriesPerS,
    };
  });
  return { runs, ratios };
}
