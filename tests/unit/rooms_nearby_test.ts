import assert from "node:assert/strict";
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
) {
  const store = await openTestStore();
  try {
    const seeded = await seedRooms(
      store,
      roomPoints(center, seed, 2_000),
      seed,
    );
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
