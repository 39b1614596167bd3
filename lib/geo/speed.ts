import { distanceM, type LatLng } from "./distance.ts";
import { FIX_GRID_M } from "./privacy.ts";

/** What is kept of a user's last fix for anti-spoofing: a grid cell's centre and a time. */
export type CoarseFix = { cell: LatLng; at: number };

/** Fixes further apart in time than this are not compared (a flight, a night's sleep). */
export const SPEED_MEMORY_MS = 24 * 3_600_000;

/**
 * Whether moving from `prev` to `next` (both coarse cells) in the time between them needs more
 * than `maxKmh`. Two cells' centres may lie a cell's diagonal further apart than the fixes
 * themselves, so that much distance is forgiven.
 */
export function impossibleJump(
  prev: CoarseFix | null,
  next: CoarseFix,
  maxKmh: number,
): boolean {
  if (!prev) return false;
  const dt = next.at - prev.at;
  if (dt > SPEED_MEMORY_MS || dt < 0) return false;
  const slack = FIX_GRID_M * Math.SQRT2;
  const d = Math.max(0, distanceM(prev.cell, next.cell) - slack);
  if (d === 0) return false;
  // A minimum of one second keeps two fixes at once from dividing by zero.
  const kmh = (d / 1_000) / (Math.max(dt, 1_000) / 3_600_000);
  return kmh > maxKmh;
}
