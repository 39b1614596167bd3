/** Where a nearby query's time goes: cells, entries and fetches, counted through a KV proxy. */
import { keys } from "../lib/db/keys.ts";
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

/** What single KV calls cost on a store, in microseconds (medians): the search's unit prices. */
export type KvCosts = {
  /** A list of an empty range of the geo index: the fixed cost of each range read. */
  emptyListUs: number;
  /** Each entry a list of the geo index returns, beyond that fixed cost. */
  perEntryUs: number;
  /** A getMany of 10 room records, as the search fetches its results. */
  getMany10Us: number;
};

async function medianUs(runs: number, f: () => Promise<unknown>) {
  const us: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    us.push((performance.now() - t0) * 1000);
  }
  return us.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** Times an empty range list, a 500-entry list and 10-room getManys on `kv`'s geo index. */
export async function kvCosts(kv: Deno.Kv): Promise<KvCosts> {
  const prefix = keys.roomsByGeohashPrefix();
  const drain = async (sel: Deno.KvListSelector, limit?: number) => {
    let n = 0;
    for await (const _ of kv.list(sel, { limit, batchSize: limit })) n++;
    return n;
  };
  const ids: string[] = [];
  for await (const e of kv.list({ prefix }, { limit: 200 })) {
    ids.push(e.key[2] as string);
  }
  // "~" sorts above every geohash, so this range is empty but sits beside the index.
  const empty = { start: [...prefix, "~"], end: [...prefix, "~~"] };
  const emptyListUs = await medianUs(200, () => drain(empty));
  const n = await drain({ prefix }, 500);
  const listUs = await medianUs(50, () => drain({ prefix }, 500));
  let k = 0;
  const getMany10Us = await medianUs(100, () => {
    const batch = Array.from(
      { length: 10 },
      () => keys.room(ids[k++ % ids.length]),
    );
    return kv.getMany(batch);
  });
  return {
    emptyListUs,
    perEntryUs: n ? (listUs - emptyListUs) / n : NaN,
    getMany10Us,
  };
}
