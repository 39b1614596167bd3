import type { Blocks } from "../db/blocks.ts";
import type { People, Visibility, VisiblePerson } from "../db/people.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import { isBanned, type User, type Users } from "../db/users.ts";
import type { LatLng } from "../geo/distance.ts";
import {
  bucketOf,
  DISTANCE_BUCKETS_M,
  PEOPLE_GRID_M,
  snapToGrid,
} from "../geo/privacy.ts";
import type { Clock } from "../shared/clock.ts";
import type {
  NearbyPersonView,
  VisibilityInput,
  VisibilityView,
} from "../shared/people_schemas.ts";
import { LIMITS } from "./limits.ts";

/**
 * The radius a people search really uses: the asked radius rounded up to a bucket bound,
 * so that varying it reveals nothing finer than the buckets already show.
 */
export function searchRadiusM(radiusM: number): number {
  return DISTANCE_BUCKETS_M.find((b) => b >= radiusM) ?? radiusM;
}

/** A people search: the searcher's point (used for this search only), radius and limit. */
export type PeopleQuery = LatLng & { radiusM: number; limit: number };

const toView = (v: Visibility): VisibilityView => ({
  headline: v.headline,
  interests: v.interests,
  expiresAt: new Date(v.expiresAt).toISOString(),
});

const byHandle = (a: NearbyPersonView, b: NearbyPersonView) => {
  const x = a.user.handle.toLowerCase(), y = b.user.handle.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.user.id < b.user.id ? -1 : 1;
};

/** Opt-in "people nearby": showing myself on a 1 km grid, and finding others by bucket. */
export function createPeopleService(deps: {
  people: People;
  users: Users;
  blocks: Blocks;
  limits: RateLimits;
  clock: Clock;
}) {
  const { people, users, blocks, limits, clock } = deps;

  /** The people of one bucket whom `me` may see, by handle. */
  async function viewsOf(me: User, group: VisiblePerson[]) {
    const ids = group.map((f) => f.visibility.userId);
    const [records, blocked] = await Promise.all([
      users.getUsers(ids),
      Promise.all(ids.map((id) => blocks.eitherBlocked(me.id, id))),
    ]);
    const views: NearbyPersonView[] = [];
    group.forEach(({ visibility: v, distanceM }, i) => {
      const u = records[i];
      // A banned or shadow-banned account shows itself to no one.
      if (!u || blocked[i] || isBanned(u) || u.shadowBanned) return;
      views.push({
        user: { id: u.id, handle: u.handle, displayName: u.displayName },
        headline: v.headline,
        interests: v.interests,
        distance: bucketOf(distanceM),
      });
    });
    return views.sort(byHandle);
  }

  return {
    /**
     * Makes the user visible for `minutes`, replacing any earlier visibility. The fix picks
     * the 1 km grid cell and is then dropped: only the cell's centre is stored.
     */
    async setVisibility(
      user: User,
      input: VisibilityInput,
    ): Promise<VisibilityView> {
      await limits.hit(LIMITS.act, user.id);
      const cell = snapToGrid(input, PEOPLE_GRID_M);
      const saved = await people.setVisibility(user.id, {
        headline: input.headline,
        interests: input.interests,
        cell,
        expiresAt: clock.now() + input.minutes * 60_000,
      });
      return toView(saved);
    },

    /** The user's live visibility as they see it, or null. */
    async getVisibility(user: User): Promise<VisibilityView | null> {
      const vis = await people.getVisibility(user.id);
      return vis && toView(vis);
    },

    /** Hides the user at once. */
    async hide(user: User): Promise<void> {
      await limits.hit(LIMITS.act, user.id);
      await people.deleteVisibility(user.id);
    },

    /**
     * Visible people near the searcher's point (never the searcher, nor anyone either of
     * them blocked), nearest bucket first and by handle within one; never a coordinate.
     */
    async listNearby(user: User, q: PeopleQuery): Promise<NearbyPersonView[]> {
      await limits.hit(LIMITS.read, user.id);
      const found = await people.listVisibleNear(q, searchRadiusM(q.radiusM));
      const buckets = new Map<number, VisiblePerson[]>();
      for (const f of found) {
        if (f.visibility.userId === user.id) continue;
        const bound = bucketOf(f.distanceM).withinM ?? Infinity;
        const group = buckets.get(bound);
        if (group) group.push(f);
        else buckets.set(bound, [f]);
      }
      const out: NearbyPersonView[] = [];
      // Whole buckets in order, so the handle order within the last one taken is exact.
      for (const bound of [...buckets.keys()].sort((a, b) => a - b)) {
        if (out.length >= q.limit) break;
        out.push(...await viewsOf(user, buckets.get(bound)!));
      }
      return out.slice(0, q.limit);
    },
  };
}

/** The people service's type. */
export type PeopleService = ReturnType<typeof createPeopleService>;
