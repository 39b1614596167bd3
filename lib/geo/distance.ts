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
