/** Turns benchmark results into the printed tables and ratio lines. */
import type { FanoutResult } from "./fanout_bench.ts";
import type { Machine } from "./machine.ts";
import type { NearbyResult } from "./nearby_bench.ts";
import { fmt, table } from "./stats.ts";

/** Target: the index's p95 per query, in milliseconds. */
export const NEARBY_P95_TARGET_MS = 10;
/** Target: fan-out p99 at 20,000 deliveries/s with nothing lost, in milliseconds. */
export const FANOUT_P99_TARGET_MS = 100;

const int = (x: number) =>
  Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "-";

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

/** The fan-out section: both servers side by side, the ratios and the verdict. */
export function fanoutText(r: FanoutResult): string {
  const rows = r.runs.flatMap((run) =>
    run.scenarios.map((s) => [
      `${run.mode} (${run.jobs})`,
      s.name,
      s.subscribers,
      s.rooms,
      s.msgPerS,
      int(s.offeredDeliveriesPerS),
      int(s.deliveriesPerS),
      fmt(s.latency.p50, 1),
      fmt(s.latency.p99, 1),
      fmt(s.latency.max, 1),
      fmt(s.ack.p50, 1),
      fmt(s.ack.p99, 1),
      fmt(s.afterAck.p99, 1),
      fmt(s.sameIsolate.p99, 1),
      fmt(s.crossIsolate.p99, 1),
      `${s.acked}/${s.sent}`,
      s.lost,
      s.duplicates,
      s.outOfOrder,
      s.socketsClosedEarly,
      fmt(s.client.cpuPct, 0),
      fmt(s.server.cpuPct, 0),
      fmt(s.server.runQueueWaitPct, 0),
      fmt(s.server.machinePressurePct, 0),
      Object.values(s.socketsPerIsolate).join("+"),
    ])
  );
  const out = [
    `== fan-out: real server (deno serve --parallel), 127.0.0.1, ${
      r.runs[0]?.users ?? 0
    } users; latency = client send -> message.new at each subscriber (one process clock) ==`,
    table(
      [
        "server (isolates)",
        "scenario",
        "subs",
        "rooms",
        "msg/s",
        "offered dlv/s",
        "dlv/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "ack p50",
        "ack p99",
        "after-ack p99",
        "same-iso p99",
        "cross-iso p99",
        "acked",
        "lost",
        "dup",
        "ooo",
        "closed",
        "client cpu%",
        "server cpu%",
        "server runq%",
        "cpu pressure%",
        "subs per isolate",
      ],
      rows,
    ),
    "ack = send -> message.ack at the sender (the write path); after-ack = delivery - ack (the fan-out);",
    "runq% = server threads' time runnable but waiting for a CPU; cpu pressure% = machine-wide PSI 'some' (other load).",
  ];
  for (const run of r.runs) {
    for (const s of run.scenarios) {
      out.push(
        `${run.mode} ${s.name}: p99 ms of the messages sent in each second: ${
          s.p99BySecond.map((x) => fmt(x, 0)).join(" ")
        } (after ${s.warmupMessages} warm-up messages)`,
      );
    }
    const retries = run.scenarios.filter((s) => s.socketOpenRetries > 0);
    for (const s of retries) {
      out.push(
        `${run.mode} ${s.name}: ${s.socketOpenRetries} socket handshakes failed and were retried (${
          s.socketOpenErrors.join("; ")
        })`,
      );
    }
    const errs = run.scenarios.flatMap((s) =>
      Object.entries(s.sendErrors).map(([c, n]) => `${s.name}: ${c} x${n}`)
    );
    if (errs.length) out.push(`${run.mode}: send errors ${errs.join(", ")}`);
    if (run.serverWarnings.length) {
      out.push(
        `${run.mode}: server warnings:\n  ${run.serverWarnings.join("\n  ")}`,
      );
    }
  }
  for (const x of r.ratios) {
    out.push(
      `${x.scenario}: parallel p99 / single p99 = ${
        fmt(x.p99)
      }x; parallel deliveries/s / single deliveries/s = ${
        fmt(x.deliveriesPerS)
      }x`,
    );
  }
  const main = r.runs[0]?.scenarios[0];
  if (main) {
    const atRate = main.offeredDeliveriesPerS >= 20_000 * 0.99;
    const ok = main.latency.p99 <= FANOUT_P99_TARGET_MS && main.lost === 0 &&
      main.duplicates === 0 && main.outOfOrder === 0;
    const verdict = !atRate ? "NOT TESTED at that rate" : ok ? "MET" : "MISSED";
    out.push(
      `target p99 <= ${FANOUT_P99_TARGET_MS} ms at 20,000 deliveries/s with 0 lost (${main.name}, parallel): ${verdict}` +
        ` (p99 ${fmt(main.latency.p99, 1)} ms, offered ${
          int(main.offeredDeliveriesPerS)
        }/s, lost ${main.lost}, dup ${main.duplicates}, ooo ${main.outOfOrder})`,
    );
  }
  return out.join("\n");
}
