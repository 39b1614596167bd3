// @ts-types="@types/ngeohash"
import geohash from "ngeohash";
import assert from "node:assert/strict";
import { mulberry32 } from "../../lib/shared/random.ts";
import { distanceM, EARTH_RADIUS_M } from "../../lib/geo/distance.ts";
import type { LatLng } from "../../lib/geo/distance.ts";
import {
  coverCircle,
  coverRanges,
  encodeGeohash,
  geohashRange,
  type HashRange,
  hashRangeBounds,
  mergeRanges,
  minDistanceToCellM,
  nextSearchRadius,
  subtractRanges,
} from "../../lib/geo/cover.ts";

const RAD = Math.PI / 180;
const ll = (lat: number, lng: number): LatLng => ({ lat, lng });
const PARIS = ll(48.8566, 2.3522);

function destination(from: LatLng, bearingDeg: number, meters: number): LatLng {
  const d = meters / EARTH_RADIUS_M, θ = bearingDeg * RAD, φ1 = from.lat * RAD;
  const sinφ2 = Math.sin(φ1) * Math.cos(d) +
    Math.cos(φ1) * Math.sin(d) * Math.cos(θ);
  const y = Math.sin(θ) * Math.sin(d) * Math.cos(φ1);
  const λ2 = from.lng * RAD + Math.atan2(y, Math.cos(d) - Math.sin(φ1) * sinφ2);
  return ll(Math.asin(sinφ2) / RAD, ((λ2 / RAD + 540) % 360) - 180);
}

type Place = (u: number, v: number, sign: number) => LatLng;

function randomCenters(seed: number, n: number, place: Place): LatLng[] {
  const random = mulberry32(seed);
  const sign = () => (random() < 0.5 ? -1 : 1);
  return Array.from({ length: n }, () => place(random(), random(), sign()));
}

const covers = (cover: string[], p: LatLng) =>
  cover.some((c) => encodeGeohash(p).startsWith(c));

function assertCovers(centers: LatLng[], seed: number, maxCells = 24) {
  const random = mulberry32(seed);
  for (const center of centers) {
    for (const radius of [50, 500, 2_000, 10_000, 50_000]) {
      const cover = coverCircle(center, radius, maxCells);
      const where = `${JSON.stringify(center)} r=${radius}: ${cover}`;
      assert.ok(cover.length >= 1 && cover.length <= maxCells, where);
      assert.equal(new Set(cover.map((c) => c.length)).size, 1, where);
      const points = [center];
      for (let bearing = 0; bearing < 360; bearing += 7.5) {
        points.push(destination(center, bearing, radius * 0.999));
      }
      for (let i = 0; i < 24; i++) {
        const meters = Math.sqrt(random()) * radius;
        points.push(destination(center, random() * 360, meters));
      }
      for (const p of points) {
        assert.ok(distanceM(center, p) <= radius, `outside: ${p.lat},${p.lng}`);
        assert.ok(covers(cover, p), `${encodeGeohash(p)} uncovered, ${where}`);
      }
    }
  }
}

Deno.test("distanceM - matches known great-circle distances", () => {
  const half = Math.PI * EARTH_RADIUS_M;
  const cases: [string, LatLng, LatLng, number, number][] = [
    ["London-Paris", ll(51.5074, -0.1278), PARIS, 343_500, 343_500 * 0.005],
    ["1° of latitude", ll(10, 20), ll(11, 20), 111_195, 100],
    ["same point", PARIS, PARIS, 0, 0],
    ["antipodes", ll(0, 0), ll(0, 180), half, 1],
    ["antipodes, h rounds to > 1", ll(-87.5, -179), ll(87.5, 1), half, 1],
    ["antimeridian", ll(0, 179.999), ll(0, -179.999), 222.4, 1],
  ];
  for (const [name, a, b, expected, tolerance] of cases) {
    const d = distanceM(a, b);
    assert.ok(Math.abs(d - expected) <= tolerance, `${name}: ${d} m`);
  }
});

Deno.test("coverCircle - covers points on the circle edge across the antimeridian", () => {
  const lngs = [0, 180, -180, 179.999, -179.999, 179.99, -179.95];
  const place: Place = (u, v, s) => ll(u * 160 - 80, s * (180 - v * 0.6));
  const near = randomCenters(180, 12, place);
  assertCovers([...lngs.map((lng) => ll(0, lng)), ...near], 1);
});

Deno.test("coverCircle - covers points around the poles", () => {
  const fixed = [ll(89.99, 0), ll(-89.99, 45), ll(90, 0), ll(89.5, 179.99)];
  const place: Place = (u, v, s) => ll(s * (90 - u * 0.8), v * 360 - 180);
  assertCovers([...fixed, ...randomCenters(90, 12, place)], 2);
});

Deno.test("coverCircle - covers circles centred exactly on geohash cell edges", () => {
  const [minLat, minLng, maxLat, maxLng] = geohash.decode_bbox("u09tv");
  const mid = (minLng + maxLng) / 2;
  const edges = [ll(minLat, minLng), ll(maxLat, maxLng), ll(minLat, mid)];
  assertCovers([ll(0, 0), ...edges], 3);
});

Deno.test("coverCircle - covers random circles at coarse and fine precision", () => {
  const place: Place = (u, v) => ll(Math.asin(2 * u - 1) / RAD, v * 360 - 180);
  const centers = randomCenters(42, 30, place);
  assertCovers(centers, 4);
  assertCovers(centers, 5, 400);
});

Deno.test("coverCircle - picks precision ≥ 5 for 500 m and ≤ 5 for 50 km", () => {
  assert.ok(coverCircle(PARIS, 500)[0].length >= 5);
  assert.ok(coverCircle(PARIS, 50_000)[0].length <= 5);
});

Deno.test("coverCircle - covers the full ring of longitudes around a contained pole", () => {
  for (const lat of [89.99, -89.99]) {
    const cover = coverCircle(ll(lat, 10), 2_000);
    const lngCells = new Set(cover.map((c) => geohash.decode_bbox(c)[1]));
    assert.ok(lngCells.size >= 4, `${cover}`);
    for (let lng = -180; lng <= 180; lng += 15) {
      assert.ok(covers(cover, ll(Math.sign(lat) * 89.995, lng)), `${lng}`);
    }
  }
});

Deno.test("geohashRange - brackets every hash under the prefix and no neighbour's", () => {
  const prefix = "u09tv";
  const { start, end } = geohashRange(prefix);
  const within = (hash: string) => start <= hash && hash < end;
  const others = [...geohash.neighbors(prefix), "u09tu", "u09tw"];
  for (const suffix of ["0000", "zzzz", "7gs2", "h9bk"]) {
    assert.ok(within(prefix + suffix), prefix + suffix);
    assert.ok(others.every((other) => !within(other + suffix)), suffix);
  }
});

Deno.test("nextSearchRadius - sizes the next step from the density found so far", () => {
  // 28 of 50 within 250 m: aim at sqrt(1.3 * 50 / 28) = 1.52x, not a blind 4x.
  assert.equal(Math.round(nextSearchRadius(250, 28, 50, 10_000)), 381);
  assert.equal(
    nextSearchRadius(250, 0, 50, 10_000),
    1_000,
    "nothing found: grow 4x",
  );
  assert.equal(
    nextSearchRadius(250, 1, 50, 10_000),
    1_000,
    "growth is capped at 4x",
  );
  assert.equal(
    nextSearchRadius(250, 49, 50, 10_000),
    312.5,
    "growth is at least 1.25x",
  );
  assert.equal(
    nextSearchRadius(4_000, 0, 50, 5_000),
    5_000,
    "never past the radius asked",
  );
  for (const found of [0, 1, 10, 49]) {
    let r = 100;
    for (let i = 0; i < 40 && r < 50_000; i++) {
      const next = nextSearchRadius(r, found, 50, 50_000);
      assert.ok(next > r && next <= 50_000, `${r} -> ${next}`);
      r = next;
    }
    assert.equal(
      r,
      50_000,
      "a search always reaches the radius it was asked for",
    );
  }
});

/** Whether some run of a range cover holds the point's index geohash. */
const inRanges = (ranges: HashRange[], p: LatLng) => {
  const hash = encodeGeohash(p);
  return ranges.some((r) => {
    const { start, end } = hashRangeBounds(r);
    return start <= hash && hash < end;
  });
};

function assertRangesCover(centers: LatLng[], seed: number, maxCells = 16) {
  const random = mulberry32(seed);
  for (const center of centers) {
    for (const radius of [50, 500, 2_000, 10_000, 50_000]) {
      const ranges = coverRanges(center, radius, maxCells);
      const where = `${JSON.stringify(center)} r=${radius}: ${
        JSON.stringify(ranges)
      }`;
      // One bit (two cells, east and west) is the coarsest cover.
      assert.ok(
        ranges.length >= 1 && ranges.length <= Math.max(2, maxCells),
        where,
      );
      for (let i = 0; i < ranges.length; i++) {
        const [lo, hi] = ranges[i];
        assert.ok(0 <= lo && lo < hi && hi <= 2 ** 45, where);
        // Sorted, and merged: a run never touches the next.
        if (i > 0) assert.ok(ranges[i - 1][1] < lo, where);
      }
      const points = [center];
      for (let bearing = 0; bearing < 360; bearing += 7.5) {
        points.push(destination(center, bearing, radius * 0.999));
      }
      for (let i = 0; i < 24; i++) {
        const meters = Math.sqrt(random()) * radius;
        points.push(destination(center, random() * 360, meters));
      }
      for (const p of points) {
        assert.ok(
          inRanges(ranges, p),
          `${encodeGeohash(p)} uncovered, ${where}`,
        );
      }
    }
  }
}

Deno.test("coverRanges - covers circles across the antimeridian", () => {
  const lngs = [0, 180, -180, 179.999, -179.999, 179.99, -179.95];
  const place: Place = (u, v, s) => ll(u * 160 - 80, s * (180 - v * 0.6));
  const near = randomCenters(181, 12, place);
  assertRangesCover([...lngs.map((lng) => ll(0, lng)), ...near], 11);
});

Deno.test("coverRanges - covers circles around the poles", () => {
  const fixed = [ll(89.99, 0), ll(-89.99, 45), ll(90, 0), ll(89.5, 179.99)];
  const place: Place = (u, v, s) => ll(s * (90 - u * 0.8), v * 360 - 180);
  assertRangesCover([...fixed, ...randomCenters(91, 12, place)], 12);
});

Deno.test("coverRanges - covers circles centred exactly on geohash cell edges", () => {
  const [minLat, minLng, maxLat, maxLng] = geohash.decode_bbox("u09tv");
  const mid = (minLng + maxLng) / 2;
  const edges = [ll(minLat, minLng), ll(maxLat, maxLng), ll(minLat, mid)];
  assertRangesCover([ll(0, 0), ...edges], 13);
});

Deno.test("coverRanges - covers random circles with few and many cells", () => {
  const place: Place = (u, v) => ll(Math.asin(2 * u - 1) / RAD, v * 360 - 180);
  const centers = randomCenters(43, 30, place);
  for (const maxCells of [1, 4, 16, 64, 400]) {
    assertRangesCover(centers, 14 + maxCells, maxCells);
  }
});

Deno.test("coverRanges - covers less than the bounding box, and more cells cover less", () => {
  const area = (ranges: HashRange[]) =>
    ranges.reduce((sum, [lo, hi]) => sum + hi - lo, 0);
  for (const radius of [250, 2_000, 10_000]) {
    const coarse = area(coverRanges(PARIS, radius, 16));
    const fine = area(coverRanges(PARIS, radius, 256));
    assert.ok(fine < coarse, `r=${radius}: ${fine} >= ${coarse}`);
    // A 9-char cell near Paris is about 4.77 m × 3.14 m; the disc must fit in what is listed.
    const cellM2 = 4.77 * 4.77 * Math.cos(PARIS.lat * RAD);
    const discM2 = Math.PI * radius ** 2;
    assert.ok(fine * cellM2 > discM2 * 0.99, `r=${radius}: ${fine}`);
    assert.ok(fine * cellM2 < discM2 * 2, `r=${radius}: ${fine} too many`);
  }
});

Deno.test("minDistanceToCellM - never exceeds the distance to a point of the cell", () => {
  const random = mulberry32(77);
  const cells = ["u09tv", "zzzz", "0000", "b", "pbpb", "s0000", "x", "u0"];
  for (let k = 0; k < 300; k++) {
    const center = k % 3 === 0
      ? ll(Math.sign(random() - 0.5) * (89 + random()), random() * 360 - 180)
      : ll(random() * 180 - 90, random() * 360 - 180);
    const hash = k < cells.length ? cells[k] : geohash.encode(
      random() * 180 - 90,
      random() * 360 - 180,
      1 + Math.floor(random() * 7),
    );
    const [a, l1, b, l2] = geohash.decode_bbox(hash);
    const bound = minDistanceToCellM(center, a, b, l1, l2);
    let nearest = Infinity;
    for (let i = 0; i <= 40; i++) {
      for (let j = 0; j <= 40; j++) {
        const p = ll(a + ((b - a) * i) / 40, l1 + ((l2 - l1) * j) / 40);
        nearest = Math.min(nearest, distanceM(center, p));
      }
    }
    const where = `${JSON.stringify(center)} ${hash}`;
    assert.ok(bound <= nearest + 1e-6, `${where}: ${bound} > ${nearest}`);
  }
  // Exact where it is easy: due east along the equator, due south along a meridian.
  assert.ok(
    Math.abs(minDistanceToCellM(ll(0, 0), -1, 1, 1, 2) - 111_195) < 1,
  );
  assert.ok(
    Math.abs(minDistanceToCellM(ll(10, 5), 8, 9, 4, 6) - 111_195) < 1,
  );
  // Across the antimeridian: half a degree east of 179.5 is -180.
  assert.ok(
    Math.abs(minDistanceToCellM(ll(0, 179.5), -1, 1, -180, -179) - 55_597) < 1,
  );
});

Deno.test("mergeRanges and subtractRanges - match a cell-by-cell model", () => {
  const random = mulberry32(5);
  const runs = (n: number): HashRange[] =>
    Array.from({ length: n }, () => {
      const lo = Math.floor(random() * 60);
      return [lo, lo + 1 + Math.floor(random() * 8)];
    });
  const cellsOf = (rs: HashRange[]) => {
    const set = new Set<number>();
    for (const [lo, hi] of rs) for (let x = lo; x < hi; x++) set.add(x);
    return set;
  };
  for (let k = 0; k < 500; k++) {
    const a = mergeRanges(runs(1 + Math.floor(random() * 6)));
    const b = mergeRanges(runs(Math.floor(random() * 6)));
    const union = mergeRanges(a, b);
    const diff = subtractRanges(a, b);
    const [ca, cb] = [cellsOf(a), cellsOf(b)];
    assert.deepEqual(cellsOf(union), new Set([...ca, ...cb]));
    assert.deepEqual(cellsOf(diff), new Set([...ca].filter((x) => !cb.has(x))));
    for (const rs of [a, union]) {
      for (let i = 1; i < rs.length; i++) assert.ok(rs[i - 1][1] < rs[i][0]);
    }
    for (let i = 1; i < diff.length; i++) {
      assert.ok(diff[i - 1][1] <= diff[i][0]);
    }
    assert.ok(diff.every(([lo, hi]) => lo < hi));
  }
});

Deno.test("hashRangeBounds - brackets exactly the index geohashes of a run", () => {
  const random = mulberry32(6);
  for (let k = 0; k < 200; k++) {
    const p = ll(random() * 180 - 90, random() * 360 - 180);
    const hash = encodeGeohash(p);
    const code = [...hash].reduce(
      (n, ch) => n * 32 + "0123456789bcdefghjkmnpqrstuvwxyz".indexOf(ch),
      0,
    );
    const inside = hashRangeBounds([code, code + 1]);
    assert.equal(inside.start, hash);
    assert.ok(inside.start <= hash && hash < inside.end);
    const before = hashRangeBounds([code - 5, code]);
    assert.ok(!(before.start <= hash && hash < before.end));
    const after = hashRangeBounds([code + 1, code + 9]);
    assert.ok(!(after.start <= hash && hash < after.end));
  }
  assert.equal(hashRangeBounds([0, 1]).start, "000000000");
  assert.equal(hashRangeBounds([0, 2 ** 45]).end, "~");
});
