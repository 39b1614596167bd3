// @ts-types="@types/ngeohash"
import geohash from "ngeohash";
import assert from "node:assert/strict";
import { mulberry32 } from "../../lib/shared/random.ts";
import { distanceM, EARTH_RADIUS_M } from "../../lib/geo/distance.ts";
import type { LatLng } from "../../lib/geo/distance.ts";
import {
  coverCircle,
  encodeGeohash,
  geohashRange,
  nextSearchRadius,
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
