import { keys } from "../db/keys.ts";
import type { Room, Rooms } from "../db/rooms.ts";
import type { Stats } from "../db/stats.ts";
import type { Clock } from "../shared/clock.ts";
import { isoOrNull } from "../shared/clock.ts";
import {
  ADMIN_PAGE_SIZE,
  type AdminPage,
  type AdminRoomRow,
  type AdminStats,
  type AdminStatsQuery,
  type AdminUserRow,
  BUSIEST_ROOMS,
  type BusyRoom,
  dayOf,
  type DayRange,
  type JoinsByCategory,
  resolveRange,
  type RoomsByKind,
} from "../shared/admin_schemas.ts";
import { forbidden, validation } from "../shared/errors.ts";
import { isDeletedUser, type User, type UserRecord } from "../db/users.ts";
import { kindOf } from "./policy.ts";

/** Whether a user may read the analytics and the admin pages: site admins and moderators. */
export const isStaff = (u: User | null): u is User =>
  u?.siteRole === "admin" || u?.siteRole === "moderator";

/** What the room services tell the analytics; neither call ever rejects. */
export type StatsCounter = {
  roomCreated(kind: keyof RoomsByKind): Promise<void>;
  joined(category: keyof JoinsByCategory): Promise<void>;
};

/** What a direct conversation is called wherever others could read its name. */
const DIRECT_NAME = "Direct message";

/** 403 `not_allowed` for anyone but site staff. */
function requireStaff(actor: User) {
  if (!isStaff(actor)) {
    throw forbidden("not_allowed", "Only site admins and moderators can");
  }
}

/** Adds each field of `b` into `a`. */
function addInto<T extends Record<string, number>>(a: T, b: T): T {
  for (const k of Object.keys(a) as (keyof T)[]) {
    a[k] = (a[k] + b[k]) as T[keyof T];
  }
  return a;
}

/**
 * Analytics: counts rooms created, messages (in the send's commit), joins and daily active
 * users as they happen, and reads them back by day for the admin endpoint and pages.
 * Counting never fails the action counted: a failure goes to `onError` (logged by the app).
 */
export function createStatsService(deps: {
  stats: Stats;
  rooms: Rooms;
  clock: Clock;
  onError?: (what: string, err: unknown) => void;
}) {
  const { stats, rooms, clock } = deps;
  const safely = (what: string, p: Promise<unknown>): Promise<void> =>
    p.then(() => {}, (err) => deps.onError?.(what, err));
  // This isolate's users already counted today: at most one KV write per user per day here.
  let today = "";
  let counted = new Map<string, Promise<void>>();

  async function busiest(range: DayRange): Promise<BusyRoom[]> {
    const counts = await stats.countRoomMessages(range);
    const top = [...counts].sort((a, b) =>
      b[1] - a[1] || (a[0] < b[0] ? -1 : 1)
    ).slice(0, BUSIEST_ROOMS);
    const records = await stats.getRoomRecords(top.map(([id]) => id));
    return top.map(([roomId, messages], i): BusyRoom => {
      const room = records[i];
      if (!room) return { roomId, kind: null, name: "Deleted room", messages };
      const kind = kindOf(room);
      // A direct conversation is two people's business: never its name.
      const name = kind === "direct" ? DIRECT_NAME : room.name;
      return { roomId, kind, name, messages };
    });
  }

  return {
    /**
     * Counts the user active today, once per UTC day across every isolate; never rejects.
     * Concurrent calls on this isolate share one write.
     */
    seen(userId: string): Promise<void> {
      const day = dayOf(clock.now());
      if (day !== today) {
        today = day;
        counted = new Map();
      }
      const known = counted.get(userId);
      if (known) return known;
      const write = stats.markActive(userId, day).then(() => {}, (err) => {
        // Forget it, so a later request tries again.
        if (counted.get(userId) === write) counted.delete(userId);
        deps.onError?.("stats.active_failed", err);
      });
      counted.set(userId, write);
      return write;
    },

    /** Counts a room created today; never rejects. */
    roomCreated: (kind: keyof RoomsByKind) =>
      safely("stats.room_failed", stats.countRoomCreated(kind)),

    /** Counts a join of a proximity room today; never rejects. */
    joined: (category: keyof JoinsByCategory) =>
      safely("stats.join_failed", stats.countJoin(category)),

    /**
     * The analytics for a range of UTC days (default the last 30): per day rooms created,
     * messages, active users and joins, and the busiest rooms (site staff only).
     */
    async report(actor: User, query: AdminStatsQuery): Promise<AdminStats> {
      requireStaff(actor);
      const resolved = resolveRange(query, dayOf(clock.now()));
      if (!resolved.ok) throw validation(resolved.message);
      const { range } = resolved;
      const [byDay, busiestRooms] = await Promise.all([
        stats.listDays(range),
        busiest(range),
      ]);
      const days = [...byDay].map(([day, c]) => ({ day, ...c }));
      const totals = {
        roomsCreated: { proximity: 0, direct: 0, group: 0 },
        messages: 0,
        joins: { social: 0, networking: 0, event: 0, venue: 0 },
      };
      for (const d of days) {
        addInto(totals.roomsCreated, d.roomsCreated);
        addInto(totals.joins, d.joins);
        totals.messages += d.messages;
      }
      return { ...range, days, totals, busiestRooms };
    },

    /** A page of users, newest first, with their standing (site staff only). */
    async listUsers(
      actor: User,
      cursor?: string,
    ): Promise<AdminPage<AdminUserRow>> {
      requireStaff(actor);
      const page = await stats.listNewest<UserRecord>(
        keys.usersPrefix(),
        ADMIN_PAGE_SIZE,
        cursor,
      );
      // A deleted account's stub has no name to show; the page's cursor still moves past it.
      const items = page.items.flatMap((u): AdminUserRow[] =>
        isDeletedUser(u) ? [] : [{
          id: u.id,
          handle: u.handle,
          displayName: u.displayName,
          createdAt: new Date(u.createdAt).toISOString(),
          siteRole: u.siteRole ?? null,
          banned: u.bannedAt !== undefined,
          shadowBanned: u.shadowBanned === true,
        }]
      );
      return { items, cursor: page.cursor };
    },

    /** A page of rooms of every kind, newest first (site staff only). */
    async listRooms(
      actor: User,
      cursor?: string,
    ): Promise<AdminPage<AdminRoomRow>> {
      requireStaff(actor);
      const page = await stats.listNewest<Room>(
        keys.roomsPrefix(),
        ADMIN_PAGE_SIZE,
        cursor,
      );
      const now = clock.now();
      const counts = await rooms.getRoomStats(page.items.map((r) => r.id));
      const items = page.items.map((r, i): AdminRoomRow => ({
        id: r.id,
        kind: kindOf(r),
        name: kindOf(r) === "direct" ? null : r.name,
        category: r.category,
        members: counts[i].memberCount,
        createdAt: new Date(r.createdAt).toISOString(),
        lastMessageAt: isoOrNull(counts[i].head.lastMessageAt),
        expired: r.expiresAt !== null && r.expiresAt <= now,
      }));
      return { items, cursor: page.cursor };
    },
  };
}

/** The stats service's type. */
export type StatsService = ReturnType<typeof createStatsService>;
