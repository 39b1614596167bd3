import { keys } from "./keys.ts";
import { retryCommit, type Store } from "./store.ts";

/** The raid shield trips on this many joins within one window… */
export const RAID_JOINS = 10;
/** …or this many joins from the outer fifth of the radius (fixes hugging the edge). */
export const RAID_EDGE_JOINS = 5;
/** The window the shield counts joins in. */
export const RAID_WINDOW_MS = 60_000;
/** How long a tripped shield holds new members unless an admin lowers it. */
export const RAID_SHIELD_MS = 15 * 60_000;
/** Whether a window's joins trip the raid shield. */
export const shieldTrips = (w: { joins: number; edge: number }) =>
  w.joins >= RAID_JOINS || w.edge >= RAID_EDGE_JOINS;

/** One window's joins of a room, and how many came from its edge. */
type JoinWindow = { joins: number; edge: number };

/** A raised shield: when it lapses, and who raised it (the shield itself, or an admin). */
export type Shield = { until: number; by: string; raisedAt: number };

/**
 * The geo-aware raid shield: counts a room's joins per minute in one checked commit each, and
 * raises the shield when they surge or hug the edge; while it is up, new members are held.
 */
export function createRaidShields({ kv, clock }: Store) {
  async function current(roomId: string): Promise<Shield | null> {
    const s = (await kv.get<Shield>(keys.raidShield(roomId))).value;
    return s && s.until > clock.now() ? s : null;
  }

  return {
    current,

    /**
     * Counts a join (edge: its fix sat in the outer part of the radius) and answers whether
     * the joiner is held: the shield was up, or this join raised it.
     */
    recordJoin(roomId: string, edge: boolean): Promise<boolean> {
      return retryCommit("raid shield", async () => {
        const now = clock.now();
        const start = now - (now % RAID_WINDOW_MS);
        const wKey = keys.roomJoinWindow(roomId, start);
        const [w, s] = await kv.getMany<[JoinWindow, Shield]>([
          wKey,
          keys.raidShield(roomId),
        ]);
        const next = {
          joins: (w.value?.joins ?? 0) + 1,
          edge: (w.value?.edge ?? 0) + (edge ? 1 : 0),
        };
        const up = s.value !== null && s.value.until > now;
        const trips = !up && shieldTrips(next);
        const op = kv.atomic().check(w).check(s)
          .set(wKey, next, { expireIn: RAID_WINDOW_MS * 2 });
        if (trips) {
          const shield: Shield = {
            until: now + RAID_SHIELD_MS,
            by: "auto",
            raisedAt: now,
          };
          op.set(keys.raidShield(roomId), shield, {
            expireIn: RAID_SHIELD_MS,
          });
        }
        return (await op.commit()).ok ? up || trips : null;
      });
    },

    /** Lowers the shield (an admin); true if it was up. */
    async lower(roomId: string): Promise<boolean> {
      const up = await current(roomId);
      if (!up) return false;
      await kv.delete(keys.raidShield(roomId));
      return true;
    },
  };
}

/** The raid shields repository's type. */
export type RaidShields = ReturnType<typeof createRaidShields>;
