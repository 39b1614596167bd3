import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import { createRooms, type ProximityRoom } from "../../lib/db/rooms.ts";
import {
  destinationPoint as destination,
  distanceM,
  type LatLng,
} from "../../lib/geo/distance.ts";
import { mulberry32 } from "../../lib/shared/random.ts";
import { openTestStore, type TestStore } from "../helpers/store.ts";

const HOUR = 3_600_000;
const LISBON: LatLng = { lat: 38.7223, lng: -9.1393 };

type Seeded = { id: string; at: LatLng; expiresAt: number | null };

/** Where seeded rooms go: sparse near the centre so every searched radius's edge matters
 * (about 12 rooms within 100 m, 40 within 1 km, then log-uniform out to 25 km), a few on
 * either side of each radius by 1 cm, and 4% sharing an earlier room's point (ties). */
function roomPoints(center: LatLng, seed: number, count: number): LatLng[] {
  const random = mulberry32(seed);
  const points: LatLng[] = [];
  for (const r of [100, 1_000, 10_000]) {
    for (let k = 0; k < 3; k++) {
      points.push(destination(center, random() * 360, r - 0.01));
      points.push(destination(center, random() * 360, r + 0.01));
    }
  }
  const ring = (from: number, to: number) =>
    destination(
      center,
      random() * 360,
      Math.sqrt(from ** 2 + random() * (to ** 2 - from ** 2)),
    );
  for (let i = 0; i < 12; i++) points.push(ring(0, 100));
  for (let i = 0; i < 30; i++) points.push(ring(100, 1_000));
  while (points.length < count) {
    points.push(
      random() < 0.04
        ? points[Math.floor(random() * points.length)]
        : destination(
          center,
          random() * 360,
          Math.exp(Math.log(1_000) + random() * Math.log(25)),
        ),
    );
  }
  return points;
}

/** Stores a room at each point; one in 12 expires in an hour, one in 12 in 31 hours. */
async function seedRooms(
  store: TestStore,
  points: LatLng[],
  seed: number,
): Promise<Seeded[]> {
  const rooms = createRooms(store);
  const random = mulberry32(seed ^ 0x5eed);
  const soon = store.clock.now() + HOUR;
  const seeded: Seeded[] = [];
  for (const [i, at] of points.entries()) {
    const roll = random();
    const expiresAt = roll < 1 / 12
      ? soon
      : roll < 2 / 12
      ? soon + 30 * HOUR
      : null;
    const room = await rooms.createRoom(`OWNER${i}`, {
      name: `Room ${i}`,
      description: "",
      ...at,
      radiusM: 300,
      category: "social",
      expiresAt: expiresAt === null
        ? undefined
        : new Date(expiresAt).toISOString(),
    });
    seeded.push({ id: room.id, at, expiresAt });
  }
  return seeded;
}

function oracle(
  seeded: Seeded[],
  q: LatLng,
  radiusM: number,
  limit: number,
  now: number,
) {
  return seeded
    .filter((r) => r.expiresAt === null || r.expiresAt > now)
    .map((r) => ({ id: r.id, distanceM: distanceM(q, r.at) }))
    .filter((r) => r.distanceM <= radiusM)
    .sort((a, b) => a.distanceM - b.distanceM || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
}

/** Checks every query against the oracle; `witness` must hold for some answer, so the
 * sample provably reaches the geometry the scenario is about. */
async function assertMatchesOracle(
  center: LatLng,
  extraQueries: LatLng[],
  seed: number,
  witness: (q: LatLng, found: ProximityRoom[]) => boolean,
  points = roomPoints(center, seed, 2_000),
) {
  const store = await openTestStore();
  try {
    const seeded = await seedRooms(store, points, seed);
    // Past the first expiry wave, before the second.
    store.clock.advance(2 * HOUR);
    const now = store.clock.now();
    const random = mulberry32(seed + 1);
    const queries = [
      center,
      ...extraQueries,
      ...Array.from(
        { length: 4 },
        () => destination(center, random() * 360, random() * 12_000),
      ),
    ];
    const rooms = createRooms(store);
    let short = 0, full = 0, ties = 0, witnessed = 0;
    for (const q of queries) {
      for (const radiusM of [100, 1_000, 10_000]) {
        for (const limit of [5, 50]) {
          const want = oracle(seeded, q, radiusM, limit, now);
          const got = await rooms.listRoomsNearby(q, radiusM, limit);
          const where = `${JSON.stringify(q)} r=${radiusM} limit=${limit}`;
          assert.deepEqual(
            got.map((f) => f.room.id),
            want.map((w) => w.id),
            where,
          );
          assert.deepEqual(
            got.map((f) => f.distanceM),
            want.map((w) => w.distanceM),
            where,
          );
          for (let i = 1; i < got.length; i++) {
            assert.ok(got[i - 1].distanceM <= got[i].distanceM, where);
            if (got[i - 1].distanceM === got[i].distanceM) ties++;
          }
          if (witness(q, got.map((f) => f.room))) witnessed++;
          if (want.length < limit) short++;
          else full++;
        }
      }
    }
    // The sample exercises both a radius that runs out and a limit that cuts off.
    assert.ok(short > 0 && full > 0, `short=${short} full=${full}`);
    assert.ok(ties > 0, "no equal distances were compared");
    assert.ok(witnessed > 0, "no answer reached the scenario's geometry");
  } finally {
    store.kv.close();
  }
}

Deno.test("listRoomsNearby - equals a brute-force nearest-first oracle around Lisbon", async () => {
  await assertMatchesOracle(LISBON, [], 1, (_, found) => found.length >= 50);
});

Deno.test("listRoomsNearby - equals a brute-force oracle across the antimeridian (lng 179.99)", async () => {
  await assertMatchesOracle(
    { lat: -16.5, lng: 179.99 },
    [{ lat: -16.5, lng: -179.995 }, { lat: -16.49, lng: 180 }],
    2,
    // Rooms on both sides of the antimeridian in one answer.
    (_, found) => found.some((r) => r.lng > 0) && found.some((r) => r.lng < 0),
  );
});

Deno.test("listRoomsNearby - equals a brute-force oracle near the north pole (lat 89.9)", async () => {
  await assertMatchesOracle(
    { lat: 89.9, lng: 45 },
    [{ lat: 90, lng: 0 }, { lat: 89.99, lng: -135 }],
    3,
    // Rooms over the pole: on the far side of it from the query's meridian.
    (q, found) =>
      found.some((r) => Math.abs(((r.lng - q.lng + 540) % 360) - 180) > 90),
  );
});

/** Like roomPoints, but with a crowd in a ring just past the first search step (240–300 m)
 * and only a few rooms inside it, so a search's first cover reads rooms beyond its radius
 * that later steps must neither miss nor read again. */
function ringPoints(center: LatLng, seed: number, count: number): LatLng[] {
  const random = mulberry32(seed);
  const points: LatLng[] = [];
  const at = (from: number, to: number) =>
    destination(
      center,
      random() * 360,
      Math.sqrt(from ** 2 + random() * (to ** 2 - from ** 2)),
    );
  for (let i = 0; i < 20; i++) points.push(at(0, 240));
  for (let i = 0; i < 400; i++) points.push(at(240, 300));
  while (points.length < count) {
    points.push(
      random() < 0.04
        ? points[Math.floor(random() * points.length)]
        : destination(
          center,
          random() * 360,
          Math.exp(Math.log(300) + random() * Math.log(80)),
        ),
    );
  }
  return points;
}

Deno.test("listRoomsNearby - equals a brute-force oracle with a crowd just past the first step", async () => {
  const centre: LatLng = { lat: 52.52, lng: 13.405 };
  await assertMatchesOracle(
    centre,
    [destination(centre, 90, 270), destination(centre, 200, 150)],
    4,
    // Some answer reaches into the crowd from a query whose first step found too few.
    (q, found) =>
      found.length >= 50 &&
      found.some((r) => distanceM(q, r) > 240 && distanceM(q, r) < 300),
    ringPoints(centre, 4, 2_000),
  );
});

Deno.test("listRoomsNearby - reads each index entry at most once and nothing else by range", async () => {
  const store = await openTestStore();
  try {
    await seedRooms(store, roomPoints(LISBON, 5, 2_000), 5);
    const listed: string[] = [];
    let lists = 0;
    const kv = new Proxy(store.kv, {
      get(target, prop) {
        if (prop === "list") {
          return async function* (sel: Deno.KvListSelector) {
            lists++;
            assert.ok(
              "start" in sel &&
                sel.start[0] === keys.roomsByGeohashPrefix()[0],
              "only the geo index is listed",
            );
            for await (const e of target.list(sel)) {
              listed.push(JSON.stringify(e.key));
              yield e;
            }
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const rooms = createRooms({ ...store, kv });
    for (const radiusM of [100, 1_000, 10_000, 25_000]) {
      for (const limit of [5, 50, 500]) {
        listed.length = 0;
        lists = 0;
        const got = await rooms.listRoomsNearby(LISBON, radiusM, limit);
        const where = `r=${radiusM} limit=${limit}`;
        assert.equal(new Set(listed).size, listed.length, where);
        assert.ok(lists > 0 && got.length <= limit, where);
      }
    }
  } finally {
    store.kv.close();
  }
});
