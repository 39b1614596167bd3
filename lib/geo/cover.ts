// @ts-types="@types/ngeohash"
import geohash from "ngeohash";
import { EARTH_RADIUS_M, type LatLng } from "./distance.ts";

/** Length of the geohash that rooms are indexed by. */
export const INDEX_PRECISION = 9;

const DEG = 180 / Math.PI;
/** Where a nearest-first search starts, in metres. */
export const FIRST_SEARCH_RADIUS_M = 250;
const MIN_GROWTH = 1.25;
const MAX_GROWTH = 4;

type Box = { minLat: number; minLng: number; maxLat: number; maxLng: number };
type Grid = {
  lat: [number, number];
  lng: [number, number];
  nLat: number;
  nLng: number;
};

/** Encodes a point as a geohash of `precision` characters. */
export function encodeGeohash(p: LatLng, precision = INDEX_PRECISION): string {
  return geohash.encode(p.lat, p.lng, precision);
}

function boundingBoxes(center: LatLng, radiusM: number): Box[] {
  // The margin keeps floating-point error at box edges from ever dropping a cell.
  const span = (Math.max(0, radiusM) * 1.001 + 1) / EARTH_RADIUS_M;
  const minLat = center.lat - span * DEG;
  const maxLat = center.lat + span * DEG;
  if (maxLat >= 90 || minLat <= -90) {
    // A cap holding a pole spans every longitude.
    return [{
      minLat: Math.max(-90, minLat),
      minLng: -180,
      maxLat: Math.min(90, maxLat),
      maxLng: 180,
    }];
  }
  // Longitude of the meridians tangent to the cap; r / (R cos lat) underestimates it.
  const ratio = Math.sin(span) / Math.cos(center.lat / DEG);
  const half = Math.asin(Math.min(1, ratio)) * DEG;
  const minLng = center.lng - half;
  const maxLng = center.lng + half;
  if (minLng < -180) {
    return [
      { minLat, maxLat, minLng: minLng + 360, maxLng: 180 },
      { minLat, maxLat, minLng: -180, maxLng },
    ];
  }
  if (maxLng > 180) {
    return [
      { minLat, maxLat, minLng, maxLng: 180 },
      { minLat, maxLat, minLng: -180, maxLng: maxLng - 360 },
    ];
  }
  return [{ minLat, minLng, maxLat, maxLng }];
}

// Mirrors ngeohash.encode, which sends a point on a cell edge to the lower cell.
function cellIndex(
  value: number,
  origin: number,
  extent: number,
  n: number,
): number {
  return Math.min(
    n - 1,
    Math.max(0, Math.ceil(((value - origin) / extent) * n) - 1),
  );
}

function grid(box: Box, precision: number): Grid {
  // Geohash bits alternate starting with longitude, so odd lengths get one extra lng bit.
  const nLng = 2 ** Math.ceil((5 * precision) / 2);
  const nLat = 2 ** Math.floor((5 * precision) / 2);
  return {
    lat: [
      cellIndex(box.minLat, -90, 180, nLat),
      cellIndex(box.maxLat, -90, 180, nLat),
    ],
    lng: [
      cellIndex(box.minLng, -180, 360, nLng),
      cellIndex(box.maxLng, -180, 360, nLng),
    ],
    nLat,
    nLng,
  };
}

function cellCount(g: Grid): number {
  return (g.lat[1] - g.lat[0] + 1) * (g.lng[1] - g.lng[0] + 1);
}

function cells(g: Grid, precision: number): string[] {
  const hashes: string[] = [];
  for (let i = g.lat[0]; i <= g.lat[1]; i++) {
    for (let j = g.lng[0]; j <= g.lng[1]; j++) {
      // Encoding the cell centre is immune to the edge tie-break.
      const lat = -90 + ((i + 0.5) * 180) / g.nLat;
      const lng = -180 + ((j + 0.5) * 360) / g.nLng;
      hashes.push(geohash.encode(lat, lng, precision));
    }
  }
  return hashes;
}

/**
 * The finest same-length geohash prefixes, at most `maxCells` (precision 1 is the floor, at
 * most 32), under which lies the indexed hash of every point within `radiusM` of `center`.
 */
export function coverCircle(
  center: LatLng,
  radiusM: number,
  maxCells = 24,
): string[] {
  const boxes = boundingBoxes(center, radiusM);
  let precision = 1;
  for (let p = 2; p <= INDEX_PRECISION; p++) {
    // Counting before enumerating keeps a wide circle from materialising millions of cells.
    const count = boxes.reduce((sum, box) => sum + cellCount(grid(box, p)), 0);
    if (count > maxCells) break;
    precision = p;
  }
  return [
    ...new Set(boxes.flatMap((box) => cells(grid(box, precision), precision))),
  ];
}

/** The half-open key range [start, end) holding every string key that starts with `prefix`. */
export function geohashRange(prefix: string): { start: string; end: string } {
  // KV orders strings by UTF-8 bytes and "~" (0x7E) sorts above every geohash character.
  return { start: prefix, end: `${prefix}~` };
}

/**
 * The next radius a nearest-first search widens to after finding `found` of `limit` rooms
 * within `r`. Rooms grow with area (r²), so it aims at the radius the density seen so far
 * says holds `limit`, plus 30%; it grows at least 1.25× and at most 4×, never past `maxR`.
 */
export function nextSearchRadius(
  r: number,
  found: number,
  limit: number,
  maxR: number,
): number {
  const aim = found === 0 ? MAX_GROWTH : Math.sqrt((1.3 * limit) / found);
  return Math.min(maxR, r * Math.min(MAX_GROWTH, Math.max(MIN_GROWTH, aim)));
}
