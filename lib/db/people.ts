import { coverCircle, encodeGeohash, geohashRange } from "../geo/cover.ts";
import { distanceM, type LatLng } from "../geo/distance.ts";
import { keys } from "./keys.ts";
import { retryCommit, type Store } from "./store.ts";

/**
 * Someone's opt-in visibility to people nearby, as stored (record and geo index alike).
 * `lat`/`lng` are the centre of their 1 km grid cell: the fix itself never reaches KV.
 */
export type Visibility = {
  userId: string;
  headline: string;
  interests: string[];
  lat: number;
  lng: number;
  geohash: string;
  updatedAt: number;
  expiresAt: number;
};

/** What a caller sets: the words others see, the grid cell and when it lapses. */
export type VisibilityInput = {
  headline: string;
  interests: string[];
  cell: LatLng;
  expiresAt: number;
};

/** A visible person found near a point, with the distance to their cell centre. */
export type VisiblePerson = { visibility: Visibility; distanceM: number };

/** The people-nearby repository: one record per visible user plus a geohash index. */
export function createPeople({ kv, clock }: Store) {
  return {
    /**
     * Makes a user visible at a grid cell until `expiresAt`, replacing any earlier visibility:
     * the record and its index entry move in one checked commit.
     */
    setVisibility(userId: string, input: VisibilityInput): Promise<Visibility> {
      const key = keys.visibility(userId);
      return retryCommit("visibility", async () => {
        const now = clock.now();
        const vis: Visibility = {
          userId,
          headline: input.headline,
          interests: input.interests,
          lat: input.cell.lat,
          lng: input.cell.lng,
          geohash: encodeGeohash(input.cell),
          updatedAt: now,
          expiresAt: input.expiresAt,
        };
        const expireIn = Math.max(1, input.expiresAt - now);
        const cur = await kv.get<Visibility>(key);
        const op = kv.atomic().check(cur);
        if (cur.value && cur.value.geohash !== vis.geohash) {
          op.delete(keys.visibilityByGeohash(cur.value.geohash, userId));
        }
        op.set(key, vis, { expireIn })
          .set(keys.visibilityByGeohash(vis.geohash, userId), vis, {
            expireIn,
          });
        return (await op.commit()).ok ? vis : null;
      });
    },

    /** A user's live visibility, or null (expireIn is lazy, so the time decides). */
    async getVisibility(userId: string): Promise<Visibility | null> {
      const vis = (await kv.get<Visibility>(keys.visibility(userId))).value;
      return vis && vis.expiresAt > clock.now() ? vis : null;
    },

    /** Ends a user's visibility at once; true if there was a live one. */
    deleteVisibility(userId: string): Promise<boolean> {
      const key = keys.visibility(userId);
      return retryCommit("visibility", async () => {
        const cur = await kv.get<Visibility>(key);
        if (!cur.value) return false;
        const res = await kv.atomic().check(cur).delete(key)
          .delete(keys.visibilityByGeohash(cur.value.geohash, userId))
          .commit();
        return res.ok ? cur.value.expiresAt > clock.now() : null;
      });
    },

    /** Live visibilities whose cell centre lies less than `radiusM` from `center`. */
    async listVisibleNear(
      center: LatLng,
      radiusM: number,
    ): Promise<VisiblePerson[]> {
      const now = clock.now();
      const prefix = keys.visibilitiesByGeohashPrefix();
      const found: VisiblePerson[] = [];
      await Promise.all(
        coverCircle(center, radiusM).map(async (cell) => {
          const { start, end } = geohashRange(cell);
          const iter = kv.list<Visibility>({
            start: [...prefix, start],
            end: [...prefix, end],
          });
          for await (const e of iter) {
            if (e.value.expiresAt <= now) continue;
            const d = distanceM(center, e.value);
            if (d < radiusM) found.push({ visibility: e.value, distanceM: d });
          }
        }),
      );
      return found;
    },
  };
}

/** The people-nearby repository's type. */
export type People = ReturnType<typeof createPeople>;
