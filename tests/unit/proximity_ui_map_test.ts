import assert from "node:assert/strict";
import {
  pickedPoint,
  samePoint,
  tileCredit,
  wrapLng,
  ZOOM_STEP,
  zoomForRadius,
} from "../../islands/map_geo.ts";
import { NEARBY_LIMIT, nearbyQuery } from "../../islands/map_nearby.ts";

/** Pixels a radius spans at a zoom, at a latitude (Web Mercator). */
const pixels = (radiusM: number, lat: number, zoom: number) =>
  radiusM / (156_543.034 * Math.cos((lat * Math.PI) / 180) / 2 ** zoom);

Deno.test("zoomForRadius - the search circle spans 100–120 pixels, in quarter zoom steps", () => {
  for (const lat of [0, 52.5, -33.9, 64]) {
    for (const r of [200, 500, 1000, 5000, 20_000, 50_000]) {
      const z = zoomForRadius(r, lat);
      assert.equal(z % ZOOM_STEP, 0, `${z} is a quarter step`);
      const px = pixels(r, lat, z);
      assert.ok(px <= 120 && px > 100, `${r} m at ${lat}°: ${px} px`);
    }
  }
  // A bigger radius never zooms in further.
  assert.ok(zoomForRadius(50_000, 52) < zoomForRadius(500, 52));
});

Deno.test("zoomForRadius - stays within 2–18, also at the poles and for tiny radii", () => {
  assert.equal(zoomForRadius(1, 0), 18);
  assert.equal(zoomForRadius(50_000_000, 0), 2);
  const polar = zoomForRadius(1000, 90);
  assert.ok(polar >= 2 && polar <= 18, String(polar));
});

Deno.test("wrapLng - brings longitudes from a panned map back to -180–180", () => {
  assert.equal(wrapLng(13.4), 13.4);
  assert.equal(wrapLng(190), -170);
  assert.equal(wrapLng(-190), 170);
  assert.equal(wrapLng(540), 180);
  assert.equal(wrapLng(180), 180);
  assert.equal(wrapLng(-180), -180);
  assert.ok(Math.abs(wrapLng(373.4) - 13.4) < 1e-9);
});

Deno.test("pickedPoint - a clicked point as a valid position rounded to 6 decimals", () => {
  assert.deepEqual(pickedPoint(52.51634567891, 13.37771234567), {
    lat: 52.516346,
    lng: 13.377712,
  });
  assert.deepEqual(pickedPoint(91, 361.5), { lat: 90, lng: 1.5 });
  assert.deepEqual(pickedPoint(-95, -200), { lat: -90, lng: 160 });
});

Deno.test("samePoint - equal coordinates, or both absent", () => {
  assert.ok(samePoint({ lat: 1, lng: 2 }, { lat: 1, lng: 2 }));
  assert.ok(!samePoint({ lat: 1, lng: 2 }, { lat: 1, lng: 2.000001 }));
  assert.ok(samePoint(null, null));
  assert.ok(!samePoint(null, { lat: 1, lng: 2 }));
  assert.ok(!samePoint({ lat: 1, lng: 2 }, null));
});

Deno.test("tileCredit - OpenStreetMap's tiles credit OSM; others name their host; none without tiles", () => {
  assert.deepEqual(
    tileCredit("https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    {
      text: "© OpenStreetMap contributors",
      href: "https://www.openstreetmap.org/copyright",
    },
  );
  assert.deepEqual(tileCredit("https://{s}.tiles.example/{z}/{x}/{y}.png"), {
    text: "Map tiles: tiles.example",
    href: null,
  });
  // A host merely ending in the name is not OpenStreetMap.
  assert.equal(
    tileCredit("https://evilopenstreetmap.org/{z}/{x}/{y}.png")?.href,
    null,
  );
  assert.equal(tileCredit(null), null);
  assert.equal(tileCredit(undefined), null);
});

Deno.test("nearbyQuery - the point, radius and limit of a nearby search", () => {
  const q = new URL(
    `http://x/api/v1${
      nearbyQuery({ lat: 52.5, lng: -0.127, accuracy: 10 }, 5000)
    }`,
  );
  assert.equal(q.pathname, "/api/v1/rooms/nearby");
  assert.deepEqual(Object.fromEntries(q.searchParams), {
    lat: "52.5",
    lng: "-0.127",
    radius: "5000",
    limit: String(NEARBY_LIMIT),
  });
});
