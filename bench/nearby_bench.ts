/**
 * Nearby-search benchmark: `listRoomsNearby` over the production geohash index against a
 * naive full scan of every room pin in the same in-memory KV, for a dense city and a
 * sparse country.
 */
import { createRooms, type Rooms } from "../lib/db/rooms.ts";
import { keys } from "../lib/db/keys.ts";
import { getManyBatched } from "../lib/db/store.ts";
import { distanceM, type LatLng } from "../lib/geo/distance.ts";
import { createIdFactory, systemClock } from "../lib/shared/clock.ts";
import { cpuMeter, type CpuShare } from "./machine.ts";
import { type NearbyProfile, profile } from "./nearby_profile.ts";
import { mean, mulberry32, summarize, type Summary } from "./stats.ts";

/** Rooms asked for per query. */
const LIMIT = 50;
const RADII_M = [500, 2_000, 10_000];
const M_PER_DEG = 111_195;
const SEED_CONCURRENCY = 256;

/** An area rooms are spread over, uniformly, and queried inside. */
type Area = {
  name: string;
  describe: string;
  point: (rnd: () => number) => LatLng;
};

const CITY_CENTRE: LatLng = { lat: 52.52, lng: 13.405 };
const COUNTRY_CENTRE: LatLng = { lat: 51, lng: 10 };

const AREAS: Area[] = [
  {
    name: "city",
    describe: "uniform in a 15 km disc around 52.52,13.405",
    point: (rnd) => {
      const r = 15_000 * Math.sqrt(rnd()), t = 2 * Math.PI * rnd();
      return offset(CITY_CENTRE, r * Math.cos(t), r * Math.sin(t));
    },
  },
  {
    name: "country",
    describe: "uniform in a 1,000 km (E-W) x 800 km (N-S) box around 51,10",
    point: (rnd) =>
      offset(
        COUNTRY_CENTRE,
        (rnd() - 0.5) * 800_000,
        (rnd() - 0.5) * 1_000_000,
      ),
  },
];

function offset(c: LatLng, northM: number, eastM: number): LatLng {
  const lat = c.lat + northM / M_PER_DEG;
  return {
    lat,
    lng: c.lng + eastM / (M_PER_DEG * Math.cos(lat * Math.PI / 180)),
  };
}

/** One radius on one area: the index's latencies, the full scan's, and what the index did. */
export type NearbyRow = {
  area: string;
  radiusM: number;
  index: Summary;
  meanResults: number;
  fullScan: Summary;
  fullScanMeanResults: number;
  mismatches: number;
  p95Ratio: number;
  profile: NearbyProfile;
  /** This process's CPU and run-queue wait, and machine CPU pressure, during the index queries. */
  cpu: CpuShare;
};

/** The whole nearby run. */
export type NearbyResult = {
  roomsPerArea: number;
  queriesPerRadius: number;
  fullScanQueriesPerRadius: number;
  limit: number;
  areas: {
    name: string;
    describe: string;
    seedSeconds: number;
    roomsPerSecond: number;
  }[];
  rows: NearbyRow[];
};

async function seed(rooms: Rooms, area: Area, n: number, seedNo: number) {
  const rnd = mulberry32(seedNo);
  const newId = createIdFactory();
  const owners = Array.from({ length: 1_000 }, () => newId());
  const t0 = performance.now();
  for (let i = 0; i < n; i += SEED_CONCURRENCY) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + SEED_CONCURRENCY); j++) {
      const p = area.point(rnd);
      batch.push(rooms.createRoom(owners[j % owners.length], {
        name: `Room ${j}`,
        description: "",
        lat: p.lat,
        lng: p.lng,
        radiusM: 300,
        category: "social",
      }));
    }
    await Promise.all(batch);
  }
  return (performance.now() - t0) / 1000;
}

type Pin = { lat: number; lng: number; expiresAt: number | null };

/** The baseline: list every pin, keep those in range, sort, fetch the nearest `limit`. */
async function fullScan(
  kv: Deno.Kv,
  center: LatLng,
  radiusM: number,
  limit: number,
) {
  const now = Date.now();
  const found: { id: string; d: number }[] = [];
  for await (
    const e of kv.list<Pin>({ prefix: keys.roomsByGeohashPrefix() }, {
      batchSize: 1_000,
    })
  ) {
    if (e.value.expiresAt !== null && e.value.expiresAt <= now) continue;
    const d = distanceM(center, e.value);
    if (d <= radiusM) found.push({ id: e.key[2] as string, d });
  }
  found.sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1));
  const top = found.slice(0, limit);
  const got = await getManyBatched(kv, top.map((f) => keys.room(f.id)));
  return got.filter((e) => e.value !== null).map((e) => e.key[1] as string);
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [performance.now() - t0, v];
}

async function benchArea(
  area: Area,
  opts: {
    rooms: number;
    queries: number;
    fullScanQueries: number;
    seedNo: number;
  },
  log: (line: string) => void,
) {
  const kv = await Deno.openKv(":memory:");
  try {
    const rooms = createRooms({
      kv,
      clock: systemClock,
      newId: createIdFactory(),
    });
    const seedSeconds = await seed(rooms, area, opts.rooms, opts.seedNo);
    log(
      `  ${area.name}: seeded ${opts.rooms} rooms via createRoom in ${
        seedSeconds.toFixed(1)
      } s`,
    );
    const rnd = mulberry32(opts.seedNo + 1);
    for (let i = 0; i < 30; i++) {
      await rooms.listRoomsNearby(
        area.point(rnd),
        RADII_M[i % RADII_M.length],
        LIMIT,
      );
    }
    const rows: NearbyRow[] = [];
    for (const radiusM of RADII_M) {
      const points = Array.from(
        { length: opts.queries },
        () => area.point(rnd),
      );
      const ms: number[] = [], counts: number[] = [], ids: string[][] = [];
      const meter = await cpuMeter("self");
      for (const p of points) {
        const [t, res] = await timed(() =>
          rooms.listRoomsNearby(p, radiusM, LIMIT)
        );
        ms.push(t);
        counts.push(res.length);
        ids.push(res.map((r) => r.room.id));
      }
      const cpu = await meter();
      const scanMs: number[] = [], scanCounts: number[] = [];
      let mismatches = 0;
      for (let i = 0; i < opts.fullScanQueries; i++) {
        const [t, res] = await timed(() =>
          fullScan(kv, points[i], radiusM, LIMIT)
        );
        scanMs.push(t);
        scanCounts.push(res.length);
        if (res.join() !== ids[i].join()) mismatches++;
      }
      const index = summarize(ms), scan = summarize(scanMs);
      rows.push({
        area: area.name,
        radiusM,
        index,
        meanResults: mean(counts),
        fullScan: scan,
        fullScanMeanResults: mean(scanCounts),
        mismatches,
        p95Ratio: index.p95 / scan.p95,
        profile: await profile(kv, points.slice(0, 100), radiusM, LIMIT),
        cpu,
      });
      log(
        `  ${area.name} r=${radiusM} m: index p95 ${
          index.p95.toFixed(2)
        } ms, full scan p95 ${scan.p95.toFixed(1)} ms`,
      );
    }
    return {
      area: {
        name: area.name,
        describe: area.describe,
        seedSeconds,
        roomsPerSecond: opts.rooms / seedSeconds,
      },
      rows,
    };
  } finally {
    kv.close();
  }
}

/** Runs the nearby benchmark on both areas; `quick` shrinks it to a smoke run. */
export async function runNearby(
  opts: { quick: boolean; log: (line: string) => void },
): Promise<NearbyResult> {
  const sizes = opts.quick
    ? { rooms: 10_000, queries: 50, fullScanQueries: 5 }
    : { rooms: 100_000, queries: 200, fullScanQueries: 10 };
  const out: NearbyResult = {
    roomsPerArea: sizes.rooms,
    queriesPerRadius: sizes.queries,
    fullScanQueriesPerRadius: sizes.fullScanQueries,
    limit: LIMIT,
    areas: [],
    rows: [],
  };
  for (const [i, area] of AREAS.entries()) {
    const r = await benchArea(area, { ...sizes, seedNo: 1_000 + i }, opts.log);
    out.areas.push(r.area);
    out.rows.push(...r.rows);
  }
  return out;
}
