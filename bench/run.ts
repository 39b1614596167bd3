/**
 * `deno task bench [nearby|fanout] [--quick]`: runs the benchmarks, prints each beside its
 * baseline, and writes bench/results/latest.json. Figures are printed, never asserted.
 */
import { z } from "zod";
import { runFanout } from "./fanout_bench.ts";
import { loadAverage, machine } from "./machine.ts";
import { runNearby } from "./nearby_bench.ts";
import { fanoutText, machineText, nearbyText } from "./report.ts";

const ArgsSchema = z.object({
  benches: z.array(z.enum(["nearby", "fanout"])).transform((b) =>
    b.length ? [...new Set(b)] : ["nearby", "fanout"] as const
  ),
  quick: z.boolean(),
});

const RESULTS = new URL("./results/latest.json", import.meta.url);

function parseArgs(argv: string[]) {
  const unknown = argv.filter((a) => a.startsWith("-") && a !== "--quick");
  const parsed = ArgsSchema.safeParse({
    benches: argv.filter((a) => !a.startsWith("-")),
    quick: argv.includes("--quick"),
  });
  if (unknown.length || !parsed.success) {
    console.error("usage: deno task bench [nearby|fanout]... [--quick]");
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
    console.log("\n" + nearbyText(r));
  } else {
    const r = await runFanout({ quick: args.quick, log: progress });
    results.fanout = r;
    console.log("\n" + fanoutText(r));
  }
  await save();
}
console.log(
  `\nload average at end ${await loadAverage()}; results written to bench/results/latest.json`,
);
