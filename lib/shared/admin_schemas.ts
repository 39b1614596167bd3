import * as z from "zod";
import { RoomCategorySchema, RoomKindSchema, UlidSchema } from "./schemas.ts";

/** The longest range the analytics answer, in days (both ends included). */
export const MAX_RANGE_DAYS = 366;
/** The range the analytics answer when none is given: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30;
/** How many rooms "busiest rooms" lists. */
export const BUSIEST_ROOMS = 10;
/** Rows on one page of the admin user and room lists. */
export const ADMIN_PAGE_SIZE = 50;

const DAY_MS = 86_400_000;

/** The UTC day ("YYYY-MM-DD") an epoch-ms instant falls on. */
export const dayOf = (ms: number): string =>
  new Date(ms).toISOString().slice(0, 10);

/** The UTC day `n` days after `day` (before, for negative `n`). */
export const addDays = (day: string, n: number): string =>
  dayOf(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);

/** Days from `from` to `to`, both included (0 or less when `to` is earlier). */
export const daysIn = (from: string, to: string): number =>
  Math.round(
    (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS,
  ) + 1;

/**
 * A calendar day as `YYYY-MM-DD` that exists (no 2025-02-30), in the years 1970–9998: the day
 * after any of them still has a four-digit year, so days keep sorting as strings.
 */
export const DaySchema = z.string().regex(
  /^\d{4}-\d{2}-\d{2}$/,
  "must be a date as YYYY-MM-DD",
).refine((d) => {
  const ms = Date.parse(`${d}T00:00:00Z`);
  const year = Number(d.slice(0, 4));
  return Number.isFinite(ms) && dayOf(ms) === d && year >= 1970 &&
    year <= 9998;
}, "must be a real calendar date from 1970 to 9998");

/** Query of GET /admin/stats and the /admin page: an optional range of UTC days. */
export const AdminStatsQuerySchema = z.object({
  from: DaySchema.optional(),
  to: DaySchema.optional(),
});
export type AdminStatsQuery = z.infer<typeof AdminStatsQuerySchema>;

/** A resolved range of UTC days, both ends included. */
export type DayRange = { from: string; to: string };

/**
 * The range a query asks for, or why it cannot be answered: `to` defaults to today, `from`
 * to 30 days ending at `to`; `from` after `to`, or more than 366 days, is refused.
 */
export function resolveRange(
  q: AdminStatsQuery,
  today: string,
): { ok: true; range: DayRange } | { ok: false; message: string } {
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, 1 - DEFAULT_RANGE_DAYS);
  const days = daysIn(from, to);
  if (days < 1) return { ok: false, message: "from must not be after to" };
  if (days > MAX_RANGE_DAYS) {
    return {
      ok: false,
      message: `The range may span at most ${MAX_RANGE_DAYS} days`,
    };
  }
  return { ok: true, range: { from, to } };
}

const Count = z.number().int().min(0);
/** A UTC day as an answer writes it (metadata for the API document only). */
const DayText = z.string().meta({ format: "date", example: "2026-01-03" });

/** Rooms created, by kind. */
export const RoomsByKindSchema = z.object({
  proximity: Count,
  direct: Count,
  group: Count,
});
export type RoomsByKind = z.infer<typeof RoomsByKindSchema>;

/** Joins of proximity rooms, by the room's category. */
export const JoinsByCategorySchema = z.object({
  social: Count,
  networking: Count,
  event: Count,
  venue: Count,
});
export type JoinsByCategory = z.infer<typeof JoinsByCategorySchema>;

/** One UTC day's counters. */
export const DayStatsSchema = z.object({
  day: DayText,
  roomsCreated: RoomsByKindSchema,
  messages: Count,
  activeUsers: Count,
  joins: JoinsByCategorySchema,
}).meta({ id: "DayStats", description: "One UTC day's counters" });
export type DayStats = z.infer<typeof DayStatsSchema>;

/** A room among the busiest; a direct conversation is named only "Direct message". */
export const BusyRoomSchema = z.object({
  roomId: UlidSchema,
  /** Null for a room whose record is gone. */
  kind: RoomKindSchema.nullable(),
  name: z.string(),
  messages: Count,
}).meta({
  id: "BusyRoom",
  description:
    'A room among the busiest; a direct conversation is named only "Direct message"',
});
export type BusyRoom = z.infer<typeof BusyRoomSchema>;

/** Response of GET /admin/stats: every day of the range (zeros included), oldest first. */
export const AdminStatsSchema = z.object({
  from: DayText,
  to: DayText,
  days: z.array(DayStatsSchema),
  totals: z.object({
    roomsCreated: RoomsByKindSchema,
    messages: Count,
    joins: JoinsByCategorySchema,
  }),
  busiestRooms: z.array(BusyRoomSchema),
}).meta({
  id: "AdminStats",
  description:
    "Analytics for a range of UTC days: every day of it (zeros included), oldest first, totals and the busiest rooms",
});
export type AdminStats = z.infer<typeof AdminStatsSchema>;

/** A KV list cursor, as the admin lists hand it back. */
export const AdminCursorSchema = z.string().regex(/^[A-Za-z0-9_=-]+$/).max(
  1000,
);

/** Query of /admin/users and /admin/rooms. */
export const AdminListQuerySchema = z.object({
  cursor: AdminCursorSchema.optional(),
});

/** A user as the admin list shows it. */
export type AdminUserRow = {
  id: string;
  handle: string;
  displayName: string;
  createdAt: string;
  siteRole: "admin" | "moderator" | null;
  banned: boolean;
  shadowBanned: boolean;
};

/** A room as the admin list shows it; a direct conversation's name is not shown (null). */
export type AdminRoomRow = {
  id: string;
  kind: z.infer<typeof RoomKindSchema>;
  name: string | null;
  category: z.infer<typeof RoomCategorySchema>;
  members: number;
  createdAt: string;
  lastMessageAt: string | null;
  expired: boolean;
};

/** One page of an admin list; `cursor` fetches the next (null: the last page). */
export type AdminPage<T> = { items: T[]; cursor: string | null };
