/** The machine block and the nearby section of the benchmark report. */
import type { Machine } from "./machine.ts";
import type { NearbyResult } from "./nearby_bench.ts";
import { fmt, int, table } from "./stats.ts";

/** Target: the index's p95 per query, in milliseconds. */
export const NEARBY_P95_TARGET_MS = 10;

/** The machine block printed first. */
export function machineText(m: Machine): string {
  return [
    `machine: ${m.cpuModel}, ${m.cpus} cores (navigator.hardwareConcurrency), kernel ${m.osRelease}`,
    `deno ${m.deno} (v8 ${m.v8}); open files (ulimit -n) ${m.openFileLimit}; load average at start ${m.loadAverage}`,
  ].join("\n");
}

/** The nearby section: latencies beside the full scan, the ratio, the profile and the verdict. */
export function nearbyText(r: NearbyResult): string {
  const out = [
    `== nearby: ${
      int(r.roomsPerArea)
    } rooms per area, limit ${r.limit}, ${r.queriesPerRadius} queries per radius; full-scan baseline ${r.fullScanQueriesPerRadius} queries per radius (same points, same KV) ==`,
    ...r.areas.map((a) =>
      `seeded ${a.name} (${a.describe}) via createRoom in ${
        fmt(a.seedSeconds, 1)
      } s = ${int(a.roomsPerSecond)} rooms/s`
    ),
    "",
    table(
      [
        "area",
        "radius m",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "results",
        "scan p50",
        "scan p95",
        "scan results",
        "same top-50",
        "index p95 / full-scan p95",
        "runq%",
        "cpu pressure%",
      ],
      r.rows.map((x) => [
        x.area,
        int(x.radiusM),
        fmt(x.index.p50),
        fmt(x.index.p95),
        fmt(x.index.p99),
        fmt(x.meanResults, 1),
        fmt(x.fullScan.p50, 1),
        fmt(x.fullScan.p95, 1),
        fmt(x.fullScanMeanResults, 1),
        `${x.fullScan.n - x.mismatches}/${x.fullScan.n}`,
        `${fmt(x.p95Ratio, 3)}x`,
        fmt(x.cpu.runQueueWaitPct, 0),
        fmt(x.cpu.machinePressurePct, 0),
      ]),
    ),
    "",
    "what listRoomsNearby asked of KV, per query (mean over the first 100 points; counting proxy):",
    table(
      [
        "area",
        "radius m",
        "ladder steps",
        "cells listed",
        "max",
        "entries listed",
        "max",
        "getMany calls",
        "keys fetched",
        "scan ms",
        "fetch ms",
      ],
      r.rows.map((x) => {
        const p = x.profile;
        return [
          x.area,
          int(x.radiusM),
          fmt(p.ladderSteps, 1),
          fmt(p.cellsScanned, 1),
          p.maxCellsScanned,
          fmt(p.entriesListed, 0),
          p.maxEntriesListed,
          fmt(p.getManyCalls, 1),
          fmt(p.keysFetched, 1),
          fmt(p.scanMs),
          fmt(p.fetchMs),
        ];
      }),
    ),
    "",
    "per ladder step: step -> queries reaching it / mean cells listed / mean entries listed",
    ...r.rows.map((x) =>
      `${x.area} ${int(x.radiusM)} m: ${
        x.profile.steps.map((s) =>
          `step ${s.step} -> ${s.queries}/${fmt(s.cells, 1)}/${
            fmt(s.entries, 0)
          }`
        ).join(", ")
      }`
    ),
    "",
  ];
  for (const x of r.rows) {
    out.push(
      `${x.area} ${int(x.radiusM)} m: geohash index p95 / full-scan p95 = ${
        fmt(x.p95Ratio, 3)
      }x`,
    );
  }
  const missed = r.rows.filter((x) => !(x.index.p95 <= NEARBY_P95_TARGET_MS));
  out.push(
    missed.length === 0
      ? `target p95 <= ${NEARBY_P95_TARGET_MS} ms: MET on every area and radius`
      : `target p95 <= ${NEARBY_P95_TARGET_MS} ms: MISSED on ${
        missed.map((x) =>
          `${x.area} ${int(x.radiusM)} m (${fmt(x.index.p95)} ms)`
        ).join(", ")
      }`,
  );
  return out.join("\n");
}
