/** A point on the map, in degrees. */
export type LatLng = { lat: number; lng: number };

/** Metres per pixel of Web Mercator tiles at zoom 0 on the equator. */
const METRES_PER_PIXEL_Z0 = 156_543.034;

/** At most how many pixels a search radius should span on screen. */
const RADIUS_PX = 120;

/** The map's zoom steps (Leaflet's zoomSnap). */
export const ZOOM_STEP = 0.25;

/**
 * The map zoom, in quarter steps, at which `radiusM` around latitude `lat` spans at most 120
 * pixels (and more than 100), so the search circle fits a phone-sized map; 2–18.
 */
export function zoomForRadius(radiusM: number, lat: number): number {
  const scale = Math.max(Math.cos((lat * Math.PI) / 180), 0.01);
  const z = Math.log2((METRES_PER_PIXEL_Z0 * scale * RADIUS_PX) / radiusM);
  return Math.min(18, Math.max(2, Math.floor(z / ZOOM_STEP) * ZOOM_STEP));
}

/** A longitude brought back to -180–180, as a map panned across the antimeridian gives more. */
export function wrapLng(lng: number): number {
  // In range already: left exactly as it is (the arithmetic below would blur the last digit).
  if (lng >= -180 && lng <= 180) return lng;
  const wrapped = ((((lng + 180) % 360) + 360) % 360) - 180;
  // -180 and 180 are one meridian; keep what was asked when it is exactly 180.
  return wrapped === -180 && lng > 0 ? 180 : wrapped;
}

/** A clicked map point as a position: latitude clamped, longitude wrapped, 6 decimals (~0.1 m). */
export function pickedPoint(lat: number, lng: number): LatLng {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    lat: round(Math.min(90, Math.max(-90, lat))),
    lng: round(wrapLng(lng)),
  };
}

/** Whether two points are the same place (or both absent). */
export function samePoint(a: LatLng | null, b: LatLng | null): boolean {
  if (!a || !b) return a === b;
  return a.lat === b.lat && a.lng === b.lng;
}

/** The credit a tile server needs under the map, or null when there are no tiles. */
export function tileCredit(
  tileUrl: string | null | undefined,
): { text: string; href: string | null } | null {
  if (!tileUrl) return null;
  const host = /^https?:\/\/([^/?#]+)/i.exec(tileUrl)?.[1]?.toLowerCase() ?? "";
  if (/(^|\.)openstreetmap\.(org|fr|de)$/.test(host)) {
    return {
      text: "© OpenStreetMap contributors",
      href: "https://www.openstreetmap.org/copyright",
    };
  }
  return { text: `Map tiles: ${host.replace(/^\{s\}\./, "")}`, href: null };
}
