import type { LatLng } from "./distance.ts";

/** A closed polygon as [lat, lng] vertices (the last joins the first). */
export type Polygon = [number, number][];

/**
 * The polygon's longitudes unwrapped so each edge is the short way round: a polygon that
 * crosses the antimeridian gets longitudes beyond ±180 instead of a jump of ~360.
 */
export function unwrap(poly: Polygon): Polygon {
  const out: Polygon = [];
  let prev: number | null = null;
  for (const [lat, lng0] of poly) {
    let lng = lng0;
    if (prev !== null) {
      while (lng - prev > 180) lng -= 360;
      while (lng - prev < -180) lng += 360;
    }
    out.push([lat, lng]);
    prev = lng;
  }
  return out;
}

/** Whether `p` lies inside the polygon (or on its edge), across the antimeridian too. */
export function contains(poly: Polygon, p: LatLng): boolean {
  const ring = unwrap(poly);
  const lngs = ring.map(([, lng]) => lng);
  const min = Math.min(...lngs), max = Math.max(...lngs);
  // Try the point's longitude in every turn of the globe the unwrapped ring spans.
  for (let k = -1; k <= 1; k++) {
    const lng = p.lng + 360 * k;
    if (lng < min - 1e-12 || lng > max + 1e-12) continue;
    if (inRing(ring, p.lat, lng)) return true;
  }
  return false;
}

function inRing(ring: Polygon, lat: number, lng: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [ai, bi] = ring[i], [aj, bj] = ring[j];
    if (onSegment(ai, bi, aj, bj, lat, lng)) return true;
    const crosses = (ai > lat) !== (aj > lat) &&
      lng < ((bj - bi) * (lat - ai)) / (aj - ai) + bi;
    if (crosses) inside = !inside;
  }
  return inside;
}

function onSegment(
  a1: number,
  b1: number,
  a2: number,
  b2: number,
  lat: number,
  lng: number,
): boolean {
  const cross = (a2 - a1) * (lng - b1) - (b2 - b1) * (lat - a1);
  if (Math.abs(cross) > 1e-12) return false;
  return lat >= Math.min(a1, a2) - 1e-12 && lat <= Math.max(a1, a2) + 1e-12 &&
    lng >= Math.min(b1, b2) - 1e-12 && lng <= Math.max(b1, b2) + 1e-12;
}

/** The polygon's bounding box (unwrapped longitudes may pass ±180). */
export function bbox(poly: Polygon) {
  const ring = unwrap(poly);
  const lats = ring.map(([lat]) => lat), lngs = ring.map(([, lng]) => lng);
  return {
    minLat: Math.min(...lats),
    maxLat: Math.max(...lats),
    minLng: Math.min(...lngs),
    maxLng: Math.max(...lngs),
  };
}

/** Parses "lat,lng;lat,lng;…" (at least 3 vertices, in range) or throws with the reason. */
export function parsePolygon(text: string): Polygon {
  const pts = text.split(";").map((s) => s.trim()).filter(Boolean).map((s) => {
    const [lat, lng] = s.split(",").map((x) => Number(x.trim()));
    if (
      !Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 ||
      Math.abs(lng) > 180
    ) throw new Error(`"${s}" is not a lat,lng pair`);
    return [lat, lng] as [number, number];
  });
  if (pts.length < 3) throw new Error("A polygon needs at least 3 points");
  if (pts.length > 500) throw new Error("A polygon has at most 500 points");
  return pts;
}
