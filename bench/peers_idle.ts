/**
 * Memory per idle authenticated socket: signed-in sockets (`ready` received, no room) are
 * opened in steps and left open; at each step every isolate of the server collects its
 * garbage (the GC probe, gc_probe.ts and common.mjs), then the resident set of the server's
 * processes is read. The figure is the slope from the first step to the last, so a heap's
 * one-time growth under its first load stays out of it; the difference from none to all is
 * kept beside it, and so is the V8 heap (used + external) alone.
 */
import { type BenchSocket, closeAll, mapLimit } from "./fanout_client.ts";
import type { BenchServer } from "./peers_servers.ts";

/** Resident and V8 heap bytes (after a full GC) with `sockets` open. */
export type IdleStep = { sockets: number; rssBytes: number; heapBytes: number };

/** The steps of one server and the bytes per socket they imply. */
export type IdleResult = {
  steps: IdleStep[];
  /** (RSS at the last step - RSS at the first non-zero step) / the sockets between. */
  perSocket: number;
  /** (RSS at the last step - RSS with none open) / sockets at the last step. */
  perSocketFromNone: number;
  /** The V8 heaps' slope, as `perSocket`. */
  heapPerSocket: number;
};

const SAMPLES = 5;
const SAMPLE_GAP_MS = 200;
const SETTLE_MS = 1_000;
const STEPS = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident set size in bytes of the processes together (VmRSS from /proc). */
export async function rssBytes(pids: number[]): Promise<number> {
  let kb = 0;
  for (const pid of pids) {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    kb += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  }
  return kb * 1024;
}

/** Asks every isolate for a full GC; resolves with their heaps' used + external bytes. */
async function collectGarbage(s: BenchServer): Promise<number> {
  const since = Date.now();
  Deno.kill(s.pid, "SIGUSR2");
  for (let waited = 0; waited < 10_000; waited += 50) {
    await sleep(50);
    const figures = [];
    for await (const e of Deno.readDir(s.gcDir)) {
      if (!e.name.endsWith(".json")) continue; // a probe's file being written
      const f = JSON.parse(await Deno.readTextFile(`${s.gcDir}/${e.name}`));
      if (f.at >= since) figures.push(f.heapUsed + f.external);
    }
    if (figures.length >= s.isolates) return figures.reduce((a, b) => a + b);
  }
  throw new Error(`the GC probe of ${s.key} did not answer`);
}

/** A step's figures: heaps after a GC, then the median of a few RSS samples. */
async function measure(s: BenchServer, sockets: number): Promise<IdleStep> {
  await sleep(SETTLE_MS);
  const heapBytes = await collectGarbage(s);
  await sleep(SETTLE_MS);
  const xs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    xs.push(await rssBytes(s.pids));
    await sleep(SAMPLE_GAP_MS);
  }
  const rss = xs.sort((a, b) => a - b)[SAMPLES >> 1];
  return { sockets, rssBytes: rss, heapBytes };
}

async function openIdle(s: BenchServer, n: number, from = 0) {
  return await mapLimit(
    Array.from({ length: n }, (_, i) => s.users[(from + i) % s.users.length]),
    50,
    (u) => s.open(s.url, u.token),
  );
}

/**
 * Collects garbage, opens and closes `n / STEPS` sockets to warm up, then opens `n` in `STEPS` steps,
 * measuring before the first and after each; closes them all at the end.
 */
export async function measureIdle(
  s: BenchServer,
  n: number,
): Promise<IdleResult> {
  const step = Math.round(n / STEPS);
  // A first full GC gives back what set-up left behind, before anything is measured.
  await collectGarbage(s);
  await closeAll(await openIdle(s, step));
  const steps = [await measure(s, 0)];
  const open: BenchSocket[] = [];
  try {
    for (let k = 1; k <= STEPS; k++) {
      open.push(...await openIdle(s, step, open.length));
      steps.push(await measure(s, open.length));
    }
  } finally {
    await closeAll(open);
  }
  const [none, first, last] = [steps[0], steps[1], steps[STEPS]];
  const slope = (f: (x: IdleStep) => number) =>
    (f(last) - f(first)) / (last.sockets - first.sockets);
  return {
    steps,
    perSocket: slope((x) => x.rssBytes),
    perSocketFromNone: (last.rssBytes - none.rssBytes) / last.sockets,
    heapPerSocket: slope((x) => x.heapBytes),
  };
}
