/**
 * Nearby-search benchmark: `listRoomsNearby` over the production geohash index against a
 * naive full scan of every room pin in the same KV, for a dense city and a sparse country,
 * on two stores: an in-memory KV and a KV file (SQLite on disk, as the server runs).
 */
import { isDeepStrictEqual } from "node:util";
import { createRooms, type Rooms } from "../lib/db/rooms.ts";
import { keys } from "../lib/db/keys.ts";
import { getManyBatched } from "../lib/db/store.ts";
import { distanceM, type LatLng } from "../lib/geo/distance.ts";
import { createIdFactory, systemClock } from "../lib/shared/clock.ts";
import { cpuMeter, type CpuShare } from "./machine.ts";
import {
  type KvCosts,
  kvCosts,
  type NearbyProfile,
  profile,
} from "./nearby_profile.ts";
import {
  fmt,
  int,
  mean,
  mulberry32,
  summarize,
  type Summary,
  table,
} from "./stats.ts";

/** Rooms asked for per query. */
const LIMIT = 50;
const RADII_M = [500, 2_000, 10_000];
const M_PER_DEG = 111_195;
const SEED_CONCURRENCY = 256;
/** Mutations per atomic commit when copying into the file (Deno KV allows 1,000). */
const COPY_BATCH = 500;

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

/** Which KV a result was measured on. */
export type NearbyStore = "memory" | "file";

/** The nearby run on one store (the shape `nearbyText` prints). */
export type NearbyResult = {
  store: NearbyStore;
  /** The store in words, for the report. */
  storeDescribe: string;
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
  /** Unit prices of KV calls on this store, per area (after the rows were measured). */
  kvCosts: ({ area: string } & KvCosts)[];
};

/** The whole nearby run: the same rooms and query points on each store. */
export type NearbyRun = { stores: NearbyResult[] };

/** Seeds `n` rooms through createRoom; answers the seconds taken and the ids in creation order. */
async function seed(rooms: Rooms, area: Area, n: number, seedNo: number) {
  const rnd = mulberry32(seedNo);
  const newId = createIdFactory();
  const owners = Array.from({ length: 1_000 }, () => newId());
  const ids: string[] = [];
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
    ids.push(...(await Promise.all(batch)).map((r) => r.id));
  }
  return { seconds: (performance.now() - t0) / 1000, ids };
}

/**
 * Copies every entry of `from` into `to` in large atomic commits, room by room in the order
 * createRoom made them, so the file's B-tree grows in the order one commit per room would
 * have grown it (a key-ordered copy would pack it unrealistically tight). Entries naming no
 * room go last. Answers the number of entries copied.
 */
async function copyByRoom(from: Deno.Kv, to: Deno.Kv, ids: string[]) {
  const order = new Map(ids.map((id, i) => [id, i]));
  const byRoom: Deno.KvEntry<unknown>[][] = ids.map(() => []);
  const rest: Deno.KvEntry<unknown>[] = [];
  for await (const e of from.list({ prefix: [] }, { batchSize: 1_000 })) {
    const i = e.key.map((part) => order.get(part as string)).find((x) =>
      x !== undefined
    );
    (i === undefined ? rest : byRoom[i]).push(e);
  }
  let op = to.atomic(), pending = 0, copied = 0;
  const flush = async () => {
    if (!(await op.commit()).ok) throw new Error("copy commit failed");
    op = to.atomic();
    pending = 0;
  };
  for (const group of [...byRoom, rest]) {
    if (pending + group.length > COPY_BATCH) await flush();
    for (const e of group) {
      op.set(e.key, e.value);
      if (++pending >= COPY_BATCH) await flush();
    }
    copied += group.length;
  }
  if (pending) await flush();
  return copied;
}

/**
 * Throws unless `b` holds exactly the entries of `a` (keys and values, in key order): the file
 * must hold what createRoom wrote, not a look-alike.
 */
async function assertSameEntries(a: Deno.Kv, b: Deno.Kv) {
  const ia = a.list({ prefix: [] }, { batchSize: 1_000 });
  const ib = b.list({ prefix: [] }, { batchSize: 1_000 });
  for (let n = 0;; n++) {
    const [x, y] = await Promise.all([ia.next(), ib.next()]);
    if (x.done || y.done) {
      if (x.done && y.done) return n;
      throw new Error(`copy differs in length after ${n} entries`);
    }
    if (
      !isDeepStrictEqual(x.value.key, y.value.key) ||
      !isDeepStrictEqual(x.value.value, y.value.value)
    ) {
      throw new Error(`copy differs at ${JSON.stringify(x.value.key)}`);
    }
  }
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

type Sizes = { rooms: number; queries: number; fullScanQueries: number };

/** Times the index and the full scan for every radius on one seeded KV. */
async function measure(
  kv: Deno.Kv,
  area: Area,
  points: LatLng[][],
  warmup: LatLng[],
  sizes: Sizes,
  label: string,
  log: (line: string) => void,
): Promise<{ rows: NearbyRow[]; costs: { area: string } & KvCosts }> {
  const rooms = createRooms({ kv, clock: systemClock, newId: () => "" });
  for (const [i, p] of warmup.entries()) {
    await rooms.listRoomsNearby(p, RADII_M[i % RADII_M.length], LIMIT);
  }
  const rows: NearbyRow[] = [];
  for (const [r, radiusM] of RADII_M.entries()) {
    const ms: number[] = [], counts: number[] = [], ids: string[][] = [];
    const meter = await cpuMeter("self");
    for (const p of points[r]) {
      const [t, res] = await timed(() =>
        rooms.listRoomsNearby(p, radiusM, LIMIT)
      );
      ms.push(t);
      counts.push(res.length);
      ids.push(res.map((x) => x.room.id));
    }
    const cpu = await meter();
    const scanMs: number[] = [], scanCounts: number[] = [];
    let mismatches = 0;
    for (let i = 0; i < sizes.fullScanQueries; i++) {
      const [t, res] = await timed(() =>
        fullScan(kv, points[r][i], radiusM, LIMIT)
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
      profile: await profile(kv, points[r].slice(0, 100), radiusM, LIMIT),
      cpu,
    });
    log(
      `  ${label} ${area.name} r=${radiusM} m: index p95 ${
        index.p95.toFixed(2)
      } ms, full scan p95 ${scan.p95.toFixed(1)} ms`,
    );
  }
  return { rows, costs: { area: area.name, ...await kvCosts(kv) } };
}

type AreaRun = {
  seeds: Record<NearbyStore, NearbyResult["areas"][number]>;
  measured: Record<NearbyStore, Awaited<ReturnType<typeof measure>>>;
};

/**
 * One area on both stores: createRoom seeds an in-memory KV, which is measured; its entries
 * are then copied into a fresh KV file (checked equal entry by entry), which is measured on
 * the same query points. The file lives in a temp dir removed afterwards.
 */
async function benchArea(
  area: Area,
  sizes: Sizes,
  seedNo: number,
  log: (line: string) => void,
): Promise<AreaRun> {
  const rnd = mulberry32(seedNo + 1);
  const warmup = Array.from({ length: 30 }, () => area.point(rnd));
  const points = RADII_M.map(() =>
    Array.from({ length: sizes.queries }, () => area.point(rnd))
  );
  const memory = await Deno.openKv(":memory:");
  let memoryOpen = true;
  const dir = await Deno.makeTempDir({ prefix: "vicinity-nearby-bench-" });
  let file: Deno.Kv | null = null;
  try {
    const rooms = createRooms({
      kv: memory,
      clock: systemClock,
      newId: createIdFactory(),
    });
    const seeded = await seed(rooms, area, sizes.rooms, seedNo);
    log(
      `  ${area.name}: seeded ${sizes.rooms} rooms via createRoom in ${
        seeded.seconds.toFixed(1)
      } s`,
    );
    const memoryRun = await measure(
      memory,
      area,
      points,
      warmup,
      sizes,
      "memory",
      log,
    );

    file = await Deno.openKv(`${dir}/nearby.kv`);
    const t0 = performance.now();
    const copied = await copyByRoom(memory, file, seeded.ids);
    const copySeconds = (performance.now() - t0) / 1000;
    const checked = await assertSameEntries(memory, file);
    if (checked !== copied) {
      throw new Error(`copied ${copied}, ${checked} read back`);
    }
    log(
      `  ${area.name}: copied ${copied} entries into the file in ${
        copySeconds.toFixed(1)
      } s; the file equals the in-memory KV entry by entry`,
    );
    memory.close();
    memoryOpen = false;
    const fileRun = await measure(
      file,
      area,
      points,
      warmup,
      sizes,
      "file",
      log,
    );
    const seeding = {
      name: area.name,
      describe: area.describe,
      seedSeconds: seeded.seconds,
      roomsPerSecond: sizes.rooms / seeded.seconds,
    };
    return {
      seeds: {
        memory: seeding,
        file: {
          ...seeding,
          describe:
            `${area.describe}; createRoom's ${copied} entries then copied room by room into the file in ${
              copySeconds.toFixed(1)
            } s and checked equal`,
        },
      },
      measured: { memory: memoryRun, file: fileRun },
    };
  } finally {
    if (memoryOpen) memory.close();
    file?.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const STORES: { store: NearbyStore; describe: string }[] = [
  { store: "memory", describe: "in-memory KV (`:memory:`)" },
  {
    store: "file",
    describe:
      "KV file (SQLite in a temp dir, deleted afterwards; written just before, so in the page cache)",
  },
];

/** Runs the nearby benchmark on both areas and both stores; `quick` shrinks it to a smoke run. */
export async function runNearby(
  opts: { quick: boolean; log: (line: string) => void },
): Promise<NearbyRun> {
  const sizes: Sizes = opts.quick
    ? { rooms: 10_000, queries: 50, fullScanQueries: 5 }
    : { rooms: 100_000, queries: 200, fullScanQueries: 10 };
  const out: NearbyRun = {
    stores: STORES.map(({ store, describe }) => ({
      store,
      storeDescribe: describe,
      roomsPerArea: sizes.rooms,
      queriesPerRadius: sizes.queries,
      fullScanQueriesPerRadius: sizes.fullScanQueries,
      limit: LIMIT,
      areas: [],
      rows: [],
      kvCosts: [],
    })),
  };
  for (const [i, area] of AREAS.entries()) {
    const r = await benchArea(area, sizes, 1_000 + i, opts.log);
    for (const s of out.stores) {
      s.areas.push(r.seeds[s.store]);
      s.rows.push(...r.measured[s.store].rows);
      s.kvCosts.push(r.measured[s.store].costs);
    }
  }
  return out;
}

/** The stores side by side: the index's latencies and its ratio to the full scan. */
export function nearbyStoresText(run: NearbyRun): string {
  const rows = run.stores.flatMap((s) =>
    s.rows.map((x) => ({ store: s.store, x }))
  );
  return [
    "== nearby by store (the same rooms and query points on each) ==",
    ...run.stores.map((s) => `${s.store}: ${s.storeDescribe}`),
    "",
    table(
      [
        "store",
        "area",
        "radius m",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "results",
        "scan p95",
        "index p95 / full-scan p95",
        "runq%",
      ],
      rows.map(({ store, x }) => [
        store,
        x.area,
        int(x.radiusM),
        fmt(x.index.p50),
        fmt(x.index.p95),
        fmt(x.index.p99),
        fmt(x.meanResults, 1),
        fmt(x.fullScan.p95, 1),
        `${fmt(x.p95Ratio, 3)}x`,
        fmt(x.cpu.runQueueWaitPct, 0),
      ]),
    ),
    "",
    "unit prices of KV calls (medians, microseconds; measured after the rows):",
    table(
      [
        "store",
        "area",
        "empty range list",
        "per entry listed",
        "getMany of 10 rooms",
      ],
      run.stores.flatMap((s) =>
        s.kvCosts.map((c) => [
          s.store,
          c.area,
          fmt(c.emptyListUs, 0),
          fmt(c.perEntryUs, 1),
          fmt(c.getMany10Us, 0),
        ])
      ),
    ),
  ].join("\n");
}
