/**
 * `deno task bench [nearby|fanout|peers] [--quick] [--current=<rev>] [--servers=a,b]`: runs
 * the benchmarks,
 * prints each beside its baseline, and writes bench/results/latest.json. Figures are printed,
 * never asserted. Fan-out measures the working tree's server unless `--current` names a
 * commit; peers measures the working tree's server beside a bare Deno server (its floor) and
 * Node peers (ws, Socket.IO, Redis), or only the servers `--servers` names (e.g.
 * `--servers=vicinity,ws`).
 */
import { z } from "zod";
import { runFanout } from "./fanout_bench.ts";
import { fanoutText } from "./fanout_report.ts";
import { loadAverage, machine } from "./machine.ts";
import { nearbyStoresText, runNearby } from "./nearby_bench.ts";
import { runPeers } from "./peers_bench.ts";
import { SERVER_KEYS } from "./peers_servers.ts";
import { peersText } from "./peers_report.ts";
import { machineText, nearbyText } from "./report.ts";

const ArgsSchema = z.object({
  benches: z.array(z.enum(["nearby", "fanout", "peers"])).transform((b) =>
    b.length ? [...new Set(b)] : ["nearby", "fanout", "peers"] as const
  ),
  quick: z.boolean(),
  // A git revision, exported with `git archive`; never an option-looking string.
  current: z.string().regex(/^[A-Za-z0-9_.\/~^][A-Za-z0-9_.\/~^-]{0,99}$/)
    .optional(),
  servers: z.array(z.enum(SERVER_KEYS)).min(1).optional(),
});

const RESULTS = new URL("./results/latest.json", import.meta.url);

function parseArgs(argv: string[]) {
  const current = argv.filter((a) => a.startsWith("--current="));
  const servers = argv.filter((a) => a.startsWith("--servers="));
  const unknown = argv.filter((a) =>
    a.startsWith("-") && a !== "--quick" && !a.startsWith("--current=") &&
    !a.startsWith("--servers=")
  );
  const parsed = ArgsSchema.safeParse({
    benches: argv.filter((a) => !a.startsWith("-")),
    quick: argv.includes("--quick"),
    current: current.at(-1)?.slice("--current=".length),
    servers: servers.at(-1)?.slice("--servers=".length).split(","),
  });
  if (
    unknown.length || current.length > 1 || servers.length > 1 ||
    !parsed.success
  ) {
    console.error(
      "usage: deno task bench [nearby|fanout|peers]... [--quick] [--current=<rev>]" +
        ` [--servers=${SERVER_KEYS.join(",")}]`,
    );
    Deno.exit(2);
  }
  return parsed.data;
}

// Progress goes to stderr so stdout holds only the report.
const progress = (line: string) => console.error(line);

const args = parseArgs(Deno.args);
const info = await machine();
const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  quick: args.quick,
  machine: info,
};
console.log(
  machineText(info) +
    (args.quick ? "\n(--quick: a smoke run, figures not comparable)" : ""),
);

async function save() {
  results.loadAverageAtEnd = await loadAverage();
  await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
  await Deno.writeTextFile(RESULTS, JSON.stringify(results, null, 2) + "\n");
}

for (const bench of args.benches) {
  progress(`running ${bench}${args.quick ? " (quick)" : ""}…`);
  if (bench === "nearby") {
    const r = await runNearby({ quick: args.quick, log: progress });
    results.nearby = r;
    for (const s of r.stores) {
      console.log(
        `\n-- store: ${s.store}, ${s.storeDescribe} --\n` + nearbyText(s),
      );
    }
    console.log("\n" + nearbyStoresText(r));
  } else if (bench === "peers") {
    const r = await runPeers({
      quick: args.quick,
      servers: args.servers,
      log: progress,
    });
    results.peers = r;
    console.log("\n" + peersText(r));
  } else {
    const r = await runFanout({
      quick: args.quick,
      current: args.current,
      log: progress,
    });
    results.fanout = r;
    console.log("\n" + fanoutText(r));
  }
  await save();
}
console.log(
  `\nload average at end ${await loadAverage()}; results written to bench/results/latest.json`,
);
