/** Facts about the machine and processes a benchmark ran on, read from Deno and /proc. */

/** Where the figures came from. */
export type Machine = {
  osRelease: string;
  cpus: number;
  cpuModel: string;
  deno: string;
  v8: string;
  openFileLimit: string;
  loadAverage: string;
};

const read = (path: string) => Deno.readTextFile(path).catch(() => "");

/** The 1, 5 and 15 minute load averages, as /proc/loadavg prints them. */
export async function loadAverage(): Promise<string> {
  return (await read("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
}

/** Kernel, cores, CPU model, Deno version, this process's open-file limit and the load. */
export async function machine(): Promise<Machine> {
  const cpuinfo = await read("/proc/cpuinfo");
  const limits = (await read("/proc/self/limits")).split("\n")
    .find((l) => l.startsWith("Max open files"))?.split(/\s{2,}/) ?? [];
  return {
    osRelease: Deno.osRelease(),
    cpus: navigator.hardwareConcurrency,
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    openFileLimit: `${limits[1] ?? "?"} soft / ${limits[2] ?? "?"} hard`,
    loadAverage: await loadAverage(),
  };
}

const TICKS_PER_S = 100;

/** CPU seconds (user + system) a process has used so far, or NaN if it is gone. */
export async function cpuSeconds(pid: number | "self"): Promise<number> {
  const stat = await read(`/proc/${pid}/stat`);
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return f.length > 13 ? (Number(f[11]) + Number(f[12])) / TICKS_PER_S : NaN;
}

/** Ids of this process's direct children (the spawned server), from /proc. */
export async function childPids(): Promise<number[]> {
  const pids: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = await read(`/proc/${e.name}/stat`);
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === Deno.pid) pids.push(Number(e.name));
  }
  return pids;
}

/** Microseconds some task has waited for a CPU since boot (Linux PSI), or NaN without PSI. */
export async function cpuPressureUs(): Promise<number> {
  const psi = await read("/proc/pressure/cpu");
  const m = /^some .*total=(\d+)/m.exec(psi);
  return m ? Number(m[1]) : NaN;
}

/** Milliseconds a process's threads have spent runnable but waiting for a CPU, summed. */
export async function runQueueWaitMs(pid: number | "self"): Promise<number> {
  let ns = 0;
  try {
    for await (const t of Deno.readDir(`/proc/${pid}/task`)) {
      const f = (await read(`/proc/${pid}/task/${t.name}/schedstat`)).split(
        " ",
      );
      ns += Number(f[1] ?? 0);
    }
  } catch {
    return NaN;
  }
  return ns / 1e6;
}

/** CPU used, run-queue wait and machine-wide CPU pressure over an interval, as percentages. */
export type CpuShare = {
  cpuPct: number;
  runQueueWaitPct: number;
  /** Share of the interval in which some task on the machine waited for a CPU (PSI). */
  machinePressurePct: number;
};

/** Starts measuring `pid`'s CPU use; call the returned function to stop and get the shares. */
export async function cpuMeter(
  pid: number | "self",
): Promise<() => Promise<CpuShare>> {
  const t0 = performance.now();
  const [c0, w0, p0] = [
    await cpuSeconds(pid),
    await runQueueWaitMs(pid),
    await cpuPressureUs(),
  ];
  return async () => {
    const ms = performance.now() - t0;
    return {
      cpuPct: (100 * (await cpuSeconds(pid) - c0) * 1000) / ms,
      runQueueWaitPct: (100 * (await runQueueWaitMs(pid) - w0)) / ms,
      machinePressurePct: ((await cpuPressureUs() - p0) / 1000 / ms) * 100,
    };
  };
}
