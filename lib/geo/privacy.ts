import { distanceM, type LatLng } from "./distance.ts";

/** Metres per degree of latitude on the sphere the proximity math uses. */
const M_PER_DEG = 111_195;

/** The public grid a room created "here" snaps to: ~150 m cells. */
export const ROOM_GRID_M = 150;

/** The grid a visible person is shown on: ~1 km cells, so trilateration finds a cell, not them. */
export const PEOPLE_GRID_M = 1_000;

/** The grid kept for anti-spoofing: a cell and a time, never the fix itself. */
export const FIX_GRID_M = 150;

/**
 * The centre of the grid cell of side `cellM` metres holding `p`. Rows are bands of latitude;
 * each row's columns are sized for its own centre latitude, so cells stay roughly square, and
 * columns wrap at the antimeridian.
 */
export function snapToGrid(p: LatLng, cellM: number): LatLng {
  const latStep = cellM / M_PER_DEG;
  const row = Math.floor((p.lat + 90) / latStep);
  const lat = Math.min(90, -90 + (row + 0.5) * latStep);
  const cos = Math.max(Math.cos(lat * Math.PI / 180), 1e-6);
  // A whole number of columns around the globe, so the last one meets the first.
  const cols = Math.max(1, Math.floor((360 * M_PER_DEG * cos) / cellM));
  const lngStep = 360 / cols;
  const col = Math.floor((((p.lng + 180) % 360) + 360) % 360 / lngStep);
  const lng = -180 + (col + 0.5) * lngStep;
  return { lat: round6(lat), lng: round6(lng) };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The upper bounds of the distance buckets shown to other people, in metres. */
export const DISTANCE_BUCKETS_M = [
  200,
  500,
  1_000,
  2_000,
  5_000,
  10_000,
  20_000,
  50_000,
] as const;

/** A distance as others may see it: the smallest bucket it fits, never the figure. */
export type DistanceBucket = { withinM: number | null; label: string };

/** The bucket of a distance: "< 200 m", "< 1 km", … or "50 km+". */
export function bucketOf(meters: number): DistanceBucket {
  for (const b of DISTANCE_BUCKETS_M) {
    if (meters < b) return { withinM: b, label: `< ${formatM(b)}` };
  }
  return { withinM: null, label: `${formatM(50_000)}+` };
}

const formatM = (m: number) => m < 1_000 ? `${m} m` : `${m / 1_000} km`;

/** The bucket someone at `from` sees for a person shown at grid point `shown`. */
export const bucketBetween = (from: LatLng, shown: LatLng) =>
  bucketOf(distanceM(from, shown));
