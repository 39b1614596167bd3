/** A point on the globe in decimal degrees. */
export type LatLng = { lat: number; lng: number };

/** Mean Earth radius (IUGG R1) in metres, the sphere all proximity math uses. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;

/** Great-circle distance in metres between two points, by the haversine formula. */
export function distanceM(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const h = Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  // Rounding can push h a hair outside [0, 1] near antipodes, where asin would return NaN.
  const s = Math.min(1, Math.max(0, Math.sqrt(h)));
  return 2 * EARTH_RADIUS_M * Math.asin(s);
}

/** The point `meters` away from `from` along an initial bearing in degrees (0 = north). */
export function destinationPoint(
  from: LatLng,
  bearingDeg: number,
  meters: number,
): LatLng {
  const d = meters / EARTH_RADIUS_M;
  const θ = bearingDeg * RAD;
  const φ1 = from.lat * RAD;
  const sinφ2 = Math.sin(φ1) * Math.cos(d) +
    Math.cos(φ1) * Math.sin(d) * Math.cos(θ);
  const y = Math.sin(θ) * Math.sin(d) * Math.cos(φ1);
  const λ2 = from.lng * RAD + Math.atan2(y, Math.cos(d) - Math.sin(φ1) * sinφ2);
  // Normalise the longitude back into [-180, 180) across the antimeridian.
  return { lat: Math.asin(sinφ2) / RAD, lng: ((λ2 / RAD + 540) % 360) - 180 };
}
