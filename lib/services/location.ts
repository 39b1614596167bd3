import { keys } from "../db/keys.ts";
import type { Store } from "../db/store.ts";
import { FIX_GRID_M, snapToGrid } from "../geo/privacy.ts";
import {
  type CoarseFix,
  impossibleJump,
  SPEED_MEMORY_MS,
} from "../geo/speed.ts";
import { unprocessable } from "../shared/errors.ts";
import type { Fix } from "../shared/schemas.ts";

/** A fix needs at least this precision to join, peek or confirm, in metres. */
export const MAX_FIX_ACCURACY_M = 500;

/**
 * Location checks shared by joins, peeks, confirmations and rooms created "here": precise
 * enough, and plausible after the same person's previous fix. Only a ~150 m cell and a time
 * are kept of any fix, for the next plausibility check.
 */
export function createLocationChecks(
  { kv, clock }: Store,
  opts: { maxSpeedKmh: number | null },
) {
  return {
    maxSpeedKmh: opts.maxSpeedKmh,

    /** Throws 422 `imprecise_location` or `implausible_location`; records the coarse cell. */
    async check(userId: string, fix: Fix): Promise<void> {
      if (fix.accuracy > MAX_FIX_ACCURACY_M) {
        throw unprocessable(
          "imprecise_location",
          "Location is too imprecise",
          { maxAccuracyM: MAX_FIX_ACCURACY_M },
        );
      }
      const next: CoarseFix = {
        cell: snapToGrid(fix, FIX_GRID_M),
        at: clock.now(),
      };
      if (opts.maxSpeedKmh === null) return;
      const prev = (await kv.get<CoarseFix>(keys.userFix(userId))).value;
      if (impossibleJump(prev, next, opts.maxSpeedKmh)) {
        throw unprocessable(
          "implausible_location",
          `That location is too far from your last one to have got there so fast (over ${opts.maxSpeedKmh} km/h)`,
          { maxSpeedKmh: opts.maxSpeedKmh },
        );
      }
      await kv.set(keys.userFix(userId), next, { expireIn: SPEED_MEMORY_MS });
    },
  };
}

/** The location checks' type. */
export type LocationChecks = ReturnType<typeof createLocationChecks>;
