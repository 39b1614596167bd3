import {
  checkVenueCode,
  codeRotatesAt,
  newVenueSecret,
  venueCode,
} from "../auth/venue_code.ts";
import { keys } from "../db/keys.ts";
import { retryCommit, type Store } from "../db/store.ts";

/** Venue check-in codes: a room secret made on first use, and codes derived from it. */
export function createVenueCodes({ kv, clock }: Store) {
  async function secretOf(roomId: string): Promise<string> {
    return await retryCommit("room secret", async () => {
      const e = await kv.get<string>(keys.roomSecret(roomId));
      if (e.value) return e.value;
      const secret = newVenueSecret();
      const ok =
        (await kv.atomic().check(e).set(keys.roomSecret(roomId), secret)
          .commit()).ok;
      return ok ? secret : null;
    });
  }

  return {
    /** The code to show now and when it changes. */
    async current(roomId: string) {
      const now = clock.now();
      return {
        code: await venueCode(await secretOf(roomId), roomId, now),
        rotatesAt: new Date(codeRotatesAt(now)).toISOString(),
      };
    },

    /** Whether a code is the room's current or previous one (at most a minute old). */
    async check(roomId: string, code: string): Promise<boolean> {
      const secret = (await kv.get<string>(keys.roomSecret(roomId))).value;
      if (!secret) return false;
      return await checkVenueCode(secret, roomId, code, clock.now());
    },
  };
}

/** The venue codes' type. */
export type VenueCodes = ReturnType<typeof createVenueCodes>;
