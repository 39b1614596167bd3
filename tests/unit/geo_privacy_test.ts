import assert from "node:assert/strict";
import {
  checkVenueCode,
  CODE_STEP_MS,
  codeRotatesAt,
  newVenueSecret,
  venueCode,
} from "../../lib/auth/venue_code.ts";
import { destinationPoint, distanceM } from "../../lib/geo/distance.ts";
import { bbox, contains, parsePolygon } from "../../lib/geo/polygon.ts";
import {
  bucketOf,
  PEOPLE_GRID_M,
  ROOM_GRID_M,
  snapToGrid,
} from "../../lib/geo/privacy.ts";
import { impossibleJump } from "../../lib/geo/speed.ts";

Deno.test("buckets - a distance shows as the smallest bucket it fits, never the figure", () => {
  assert.deepEqual(bucketOf(0), { withinM: 200, label: "< 200 m" });
  assert.deepEqual(bucketOf(199.9), { withinM: 200, label: "< 200 m" });
  assert.deepEqual(bucketOf(200), { withinM: 500, label: "< 500 m" });
  assert.deepEqual(bucketOf(999), { withinM: 1_000, label: "< 1 km" });
  assert.deepEqual(bucketOf(4_999), { withinM: 5_000, label: "< 5 km" });
  assert.deepEqual(bucketOf(50_000), { withinM: null, label: "50 km+" });
});

Deno.test("snapping - every point lands on its cell's centre, within half a diagonal, stable", () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 2_000; i++) {
    const p = { lat: rnd() * 170 - 85, lng: rnd() * 360 - 180 };
    for (const cell of [ROOM_GRID_M, PEOPLE_GRID_M]) {
      const c = snapToGrid(p, cell);
      assert.ok(
        distanceM(p, c) <= cell * Math.SQRT2 / 2 + 2,
        `${JSON.stringify(p)} → ${JSON.stringify(c)} at ${cell} m`,
      );
      // Snapping the centre again changes nothing: everyone in a cell shares one point.
      assert.deepEqual(snapToGrid(c, cell), c);
    }
  }
  // Two fixes a few metres apart in one cell give the same public centre.
  const a = snapToGrid({ lat: 48.85661, lng: 2.35222 }, ROOM_GRID_M);
  const b = snapToGrid({ lat: 48.85663, lng: 2.35225 }, ROOM_GRID_M);
  assert.deepEqual(a, b);
  // Across the antimeridian the columns wrap: ±180 are one meridian.
  const east = snapToGrid({ lat: 10, lng: 179.99999 }, ROOM_GRID_M);
  const west = snapToGrid({ lat: 10, lng: -180 }, ROOM_GRID_M);
  assert.ok(distanceM(east, west) < ROOM_GRID_M * 1.5);
});

Deno.test("speed - consecutive fixes faster than the limit are impossible; slow or far apart in time are fine", () => {
  const paris = { lat: 48.8566, lng: 2.3522 };
  const t0 = 1_000_000;
  const prev = { cell: snapToGrid(paris, 150), at: t0 };
  const moved = (m: number, ms: number) => ({
    cell: snapToGrid(destinationPoint(paris, 90, m), 150),
    at: t0 + ms,
  });
  assert.equal(impossibleJump(null, moved(1e6, 1), 300), false);
  // 30 km in 10 minutes = 180 km/h: a train.
  assert.equal(impossibleJump(prev, moved(30_000, 600_000), 300), false);
  // 100 km in 10 minutes = 600 km/h.
  assert.equal(impossibleJump(prev, moved(100_000, 600_000), 300), true);
  // Neighbouring cells a second apart are jitter, not travel.
  assert.equal(impossibleJump(prev, moved(150, 1_000), 300), false);
  // A day later, anything goes.
  assert.equal(impossibleJump(prev, moved(5e6, 25 * 3_600_000), 300), false);
});

Deno.test("polygons - inside, outside, on an edge, and across the antimeridian", () => {
  const square = parsePolygon("0,0; 0,10; 10,10; 10,0");
  assert.equal(contains(square, { lat: 5, lng: 5 }), true);
  assert.equal(contains(square, { lat: 5, lng: 10 }), true, "on an edge");
  assert.equal(contains(square, { lat: 0, lng: 0 }), true, "on a corner");
  assert.equal(contains(square, { lat: 5, lng: 10.0001 }), false);
  assert.equal(contains(square, { lat: -0.0001, lng: 5 }), false);
  const concave = parsePolygon("0,0; 0,10; 10,10; 10,8; 2,8; 2,2; 10,2; 10,0");
  // A "U": its two arms and the bar between them, not the hollow.
  assert.equal(contains(concave, { lat: 5, lng: 5 }), false, "in the hollow");
  assert.equal(contains(concave, { lat: 5, lng: 9 }), true);
  assert.equal(contains(concave, { lat: 1, lng: 5 }), true);
  assert.equal(contains(concave, { lat: 5, lng: 1 }), true);
  const notch = parsePolygon("0,0; 10,0; 10,10; 0,10; 0,6; 5,6; 5,4; 0,4");
  assert.equal(contains(notch, { lat: 2, lng: 5 }), false, "in the notch");
  assert.equal(contains(notch, { lat: 7, lng: 5 }), true);
  // Fiji straddles ±180.
  const fiji = parsePolygon("-16,177; -16,-178; -19,-178; -19,177");
  assert.equal(contains(fiji, { lat: -17.5, lng: 179.5 }), true);
  assert.equal(contains(fiji, { lat: -17.5, lng: -179.5 }), true);
  assert.equal(contains(fiji, { lat: -17.5, lng: 176 }), false);
  assert.equal(contains(fiji, { lat: -17.5, lng: -177 }), false);
  assert.ok(bbox(fiji).maxLng > 180, "unwrapped past the antimeridian");
  assert.throws(() => parsePolygon("1,2;3,4"), /at least 3/);
  assert.throws(() => parsePolygon("1,2;3,4;91,0"), /not a lat,lng/);
});

Deno.test("venue codes - rotate every 30 s, accept the previous one, refuse a 2-minute-old one", async () => {
  const secret = newVenueSecret();
  const room = "01J9Z3ROOM00000000000000000";
  const t = 1_700_000_000_000 - (1_700_000_000_000 % CODE_STEP_MS);
  const code = await venueCode(secret, room, t);
  assert.match(code, /^[A-Z2-9]{8}$/);
  assert.equal(await venueCode(secret, room, t + CODE_STEP_MS - 1), code);
  assert.notEqual(await venueCode(secret, room, t + CODE_STEP_MS), code);
  assert.equal(codeRotatesAt(t + 5), t + CODE_STEP_MS);
  assert.equal(await checkVenueCode(secret, room, code.toLowerCase(), t), true);
  assert.equal(
    await checkVenueCode(secret, room, code, t + CODE_STEP_MS + 10),
    true,
  );
  assert.equal(await checkVenueCode(secret, room, code, t + 120_000), false);
  assert.equal(
    await checkVenueCode(newVenueSecret(), room, code, t),
    false,
    "another room's secret makes other codes",
  );
  assert.notEqual(
    await venueCode(secret, "01J9Z3ROOM00000000000000001", t),
    code,
  );
});
