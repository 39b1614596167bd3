/** Where a nearby query's time goes: cells, entries and fetches, counted through a KV proxy. */
import { createRooms } from "../lib/db/rooms.ts";
import type { LatLng } from "../lib/geo/distance.ts";
import { systemClock } from "../lib/shared/clock.ts";
import { countingKv, type KvCounters, newCounters } from "./kv_probe.ts";
import { mean } from "./stats.ts";

/** Per-query means of what the real `listRoomsNearby` asked of KV (via a counting proxy). */
export type NearbyProfile = {
  ladderSteps: number;
  /** Per ladder step (radius): how many queries reached it, mean cells and entries listed there. */
  steps: { step: number; queries: number; cells: number; entries: number }[];
  cellsScanned: number;
  maxCellsScanned: number;
  entriesListed: number;
  maxEntriesListed: number;
  getManyCalls: number;
  keysFetched: number;
  scanMs: number;
  fetchMs: number;
};

/** Runs the real listRoomsNearby over a counting proxy and averages what it asked of KV. */
export async function profile(
  kv: Deno.Kv,
  points: LatLng[],
  radiusM: number,
  limit: number,
): Promise<NearbyProfile> {
  const per: KvCounters[] = [];
  for (const p of points) {
    const c = newCounters();
    const rooms = createRooms({
      kv: countingKv(kv, c),
      clock: systemClock,
      newId: () => "",
    });
    await rooms.listRoomsNearby(p, radiusM, limit);
    c.end = performance.now();
    per.push(c);
  }
  const m = (f: (c: KvCounters) => number) => mean(per.map(f));
  return {
    ladderSteps: m((c) => c.waves),
    // Step radii now depend on the density each query meets, so steps are numbered.
    steps: Array.from(
      { length: Math.max(...per.map((c) => c.waves)) },
      (_, i) => {
        const reached = per.filter((c) => c.waves > i);
        return {
          step: i + 1,
          queries: reached.length,
          cells: mean(reached.map((c) => c.listsByWave[i] ?? 0)),
          entries: mean(reached.map((c) => c.entriesByWave[i] ?? 0)),
        };
      },
    ),
    cellsScanned: m((c) => c.lists),
    maxCellsScanned: Math.max(...per.map((c) => c.lists)),
    entriesListed: m((c) => c.entries),
    maxEntriesListed: Math.max(...per.map((c) => c.entries)),
    getManyCalls: m((c) => c.getManyCalls),
    keysFetched: m((c) => c.keysFetched),
    scanMs: m((c) => (c.firstGetMany ?? c.end) - c.start),
    fetchMs: m((c) => c.firstGetMany === null ? 0 : c.end - c.firstGetMany),
  };
}
