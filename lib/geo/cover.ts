// @ts-types="@types/ngeohash"
import geohash from "ngeohash";
import { distanceM, EARTH_RADIUS_M, type LatLng } from "./distance.ts";

/** Length of the geohash that rooms are indexed by. */
export const INDEX_PRECISION = 9;
/** Bits of an index geohash: 5 per character, alternating longitude and latitude. */
const INDEX_BITS = 5 * INDEX_PRECISION;
const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

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

/**
 * A half-open run [lo, hi) of index geohashes, as integers: a 9-character geohash is a 45-bit
 * number and, as its characters sort in that number's order, so does the string.
 */
export type HashRange = [lo: number, hi: number];

/** Cells (before merging) that `coverRanges` covers a circle with by default. */
export const RANGE_COVER_CELLS = 16;

/**
 * A lower bound on the great-circle distance from `c` to any point of the closed cell
 * latitude [a, b] × longitude [l1, l2] (degrees, l1 < l2, within [-180, 180]).
 */
export function minDistanceToCellM(
  c: LatLng,
  a: number,
  b: number,
  l1: number,
  l2: number,
): number {
  // No two points are closer than their difference in latitude.
  const latOnly = Math.abs(c.lat - Math.min(b, Math.max(a, c.lat))) /
    DEG * EARTH_RADIUS_M;
  const east = (((c.lng - l1) % 360) + 360) % 360;
  // c's meridian crosses the cell, so its nearest point is due north or south (or c itself).
  if (east <= l2 - l1) return latOnly;
  // Every point's distance grows with its longitude gap, so the nearer meridian edge is nearest.
  const gap = (lng: number) =>
    Math.abs((((c.lng - lng) % 360) + 540) % 360 - 180);
  const [d1, d2] = [gap(l1), gap(l2)];
  const [dLng, edge] = d1 <= d2 ? [d1, l1] : [d2, l2];
  if (dLng >= 90) return latOnly;
  // The foot of the perpendicular from c on that meridian's great circle, and its length.
  const phi = c.lat / DEG;
  const foot = Math.atan(Math.tan(phi) / Math.cos(dLng / DEG)) * DEG;
  if (foot >= a && foot <= b) {
    return Math.asin(Math.min(1, Math.cos(phi) * Math.sin(dLng / DEG))) *
      EARTH_RADIUS_M;
  }
  // Along the meridian the distance only grows away from the foot: a corner is nearest.
  return Math.min(
    distanceM(c, { lat: a, lng: edge }),
    distanceM(c, { lat: b, lng: edge }),
  );
}

// Spreads the low 16 bits of x to the even bits of a 32-bit number.
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** Spreads the bits of x (< 2^23) to the even bits of a number below 2^46. */
const spread = (x: number) => spread16(x >>> 16) * 2 ** 32 + spread16(x);

/** A geohash of `bits` bits (its integer) from the cell's latitude and longitude indices. */
function cellCode(i: number, j: number, bits: number): number {
  // Longitude takes the first, most significant bit, then they alternate.
  return bits % 2 ? spread(j) + 2 * spread(i) : 2 * spread(j) + spread(i);
}

function bitGrid(box: Box, bits: number): Grid {
  const nLng = 2 ** Math.ceil(bits / 2);
  const nLat = 2 ** Math.floor(bits / 2);
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

/**
 * Sorted, disjoint, non-touching runs of index geohashes holding the hash of every point
 * within `radiusM` of `center`. The circle is covered by the finest geohash cells of one size
 * (any bit length, so sizes step by 2×, not 32×) of which its bounding box needs at most
 * `maxCells`; cells the circle provably misses are dropped, and cells adjacent in geohash
 * order are merged into one run, so a cover is listed with few range reads.
 */
export function coverRanges(
  center: LatLng,
  radiusM: number,
  maxCells = RANGE_COVER_CELLS,
): HashRange[] {
  const boxes = boundingBoxes(center, radiusM);
  let bits = 1;
  for (let b = 2; b <= INDEX_BITS; b++) {
    const count = boxes.reduce(
      (sum, box) => sum + cellCount(bitGrid(box, b)),
      0,
    );
    if (count > maxCells) break;
    bits = b;
  }
  const scale = 2 ** (INDEX_BITS - bits);
  // A metre of slack keeps rounding from ever dropping a cell the circle touches.
  const reach = radiusM * (1 + 1e-9) + 1;
  const codes: number[] = [];
  for (const box of boxes) {
    const g = bitGrid(box, bits);
    for (let i = g.lat[0]; i <= g.lat[1]; i++) {
      const a = -90 + (i * 180) / g.nLat, b = -90 + ((i + 1) * 180) / g.nLat;
      for (let j = g.lng[0]; j <= g.lng[1]; j++) {
        const l1 = -180 + (j * 360) / g.nLng;
        const l2 = -180 + ((j + 1) * 360) / g.nLng;
        if (minDistanceToCellM(center, a, b, l1, l2) > reach) continue;
        codes.push(cellCode(i, j, bits) * scale);
      }
    }
  }
  codes.sort((x, y) => x - y);
  return mergeRanges(codes.map((lo) => [lo, lo + scale]));
}

/** The union of runs, sorted, with overlapping and touching runs merged. */
export function mergeRanges(...lists: HashRange[][]): HashRange[] {
  const all = lists.flat().sort((x, y) => x[0] - y[0]);
  const out: HashRange[] = [];
  for (const [lo, hi] of all) {
    const last = out.at(-1);
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** The parts of `ranges` outside `done` (both sorted and disjoint), in order. */
export function subtractRanges(
  ranges: HashRange[],
  done: HashRange[],
): HashRange[] {
  const out: HashRange[] = [];
  let k = 0;
  for (const [from, hi] of ranges) {
    let lo = from;
    while (k < done.length && done[k][1] <= lo) k++;
    for (let d = k; d < done.length && done[d][0] < hi && lo < hi; d++) {
      if (done[d][0] > lo) out.push([lo, done[d][0]]);
      lo = Math.max(lo, done[d][1]);
    }
    if (lo < hi) out.push([lo, hi]);
  }
  return out;
}

/** The index geohash of a 45-bit number; past the last hash, a string above every hash. */
function hashOf(code: number): string {
  if (code >= 2 ** INDEX_BITS) return "~";
  let hash = "";
  for (let k = 0; k < INDEX_PRECISION; k++) {
    hash = BASE32[code % 32] + hash;
    code = Math.floor(code / 32);
  }
  return hash;
}

/**
 * The half-open string range [start, end) of the index geohashes in a run; every key of the
 * index has exactly INDEX_PRECISION characters, so string order is the run's order.
 */
export function hashRangeBounds(
  [lo, hi]: HashRange,
): { start: string; end: string } {
  return { start: hashOf(lo), end: hashOf(hi) };
}
