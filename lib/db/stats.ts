import {
  addDays,
  dayOf,
  type DayRange,
  daysIn,
  type JoinsByCategory,
  type RoomsByKind,
} from "../shared/admin_schemas.ts";
import { validation } from "../shared/errors.ts";
import { keys } from "./keys.ts";
import type { Room } from "./rooms.ts";
import { getManyBatched, retryCommit, type Store } from "./store.ts";

/** A once-a-day active marker outlives its day by a day, then KV drops it. */
export const ACTIVE_MARKER_TTL_MS = 2 * 86_400_000;

/** One day's counters as stored (every one a sum, so no concurrent writer loses a count). */
export type DailyCounts = {
  messages: number;
  activeUsers: number;
  roomsCreated: RoomsByKind;
  joins: JoinsByCategory;
};

/** A day with nothing counted yet. */
export const emptyDay = (): DailyCounts => ({
  messages: 0,
  activeUsers: 0,
  roomsCreated: { proximity: 0, direct: 0, group: 0 },
  joins: { social: 0, networking: 0, event: 0, venue: 0 },
});

/**
 * Adds one sent message to its day's total and its room's day count, inside the send's own
 * commit (sums need no check, so they never make the send lose a race).
 */
export function countMessage(
  op: Deno.AtomicOperation,
  roomId: string,
  at: number,
): void {
  const day = dayOf(at);
  op.sum(keys.statsMessages(day), 1n)
    .sum(keys.statsRoomMessages(day, roomId), 1n);
}

const num = (v: unknown) => v instanceof Deno.KvU64 ? Number(v.value) : 0;

/** Folds one `["stats_daily", day, metric, sub?]` entry into its day. */
function fold(day: DailyCounts, key: Deno.KvKey, value: unknown) {
  const [, , metric, sub] = key as [string, string, string, string?];
  const n = num(value);
  if (metric === "messages") day.messages = n;
  else if (metric === "active") day.activeUsers = n;
  else if (metric === "rooms" && sub && sub in day.roomsCreated) {
    day.roomsCreated[sub as keyof RoomsByKind] = n;
  } else if (metric === "joins" && sub && sub in day.joins) {
    day.joins[sub as keyof JoinsByCategory] = n;
  }
}

/** The analytics counters: written as things happen, read by day range. */
export function createStats({ kv, clock }: Store) {
  /** Adds one to each key in one commit; a locked database is retried. */
  const bump = (...ks: Deno.KvKey[]) =>
    retryCommit("stats", async () => {
      const op = kv.atomic();
      for (const k of ks) op.sum(k, 1n);
      return (await op.commit()).ok || null;
    });

  return {
    /** Counts a room created today, by kind. */
    async countRoomCreated(kind: keyof RoomsByKind): Promise<void> {
      await bump(keys.statsRoomsCreated(dayOf(clock.now()), kind));
    },

    /** Counts a join of a proximity room today, by the room's category. */
    async countJoin(category: keyof JoinsByCategory): Promise<void> {
      await bump(keys.statsJoins(dayOf(clock.now()), category));
    },

    /**
     * Counts a user active today unless they already are: the marker is checked new and
     * written with the day's sum in one commit, so every isolate together counts them once.
     * Answers whether this call counted them.
     */
    markActive(userId: string, day = dayOf(clock.now())): Promise<boolean> {
      const marker = keys.statsActive(day, userId);
      return retryCommit("stats", async () =>
        (await kv.atomic()
          .check({ key: marker, versionstamp: null })
          .set(marker, 1, { expireIn: ACTIVE_MARKER_TTL_MS })
          .sum(keys.statsActiveUsers(day), 1n)
          .commit()).ok);
    },

    /** Every day of the range (zeros included), oldest first: one list over the day prefix. */
    async listDays(range: DayRange): Promise<Map<string, DailyCounts>> {
      const days = new Map<string, DailyCounts>();
      const count = daysIn(range.from, range.to);
      for (let i = 0; i < count; i++) {
        days.set(addDays(range.from, i), emptyDay());
      }
      const prefix = keys.statsDailyPrefix();
      const iter = kv.list({
        start: [...prefix, range.from],
        end: [...prefix, addDays(range.to, 1)],
      }, { batchSize: 1000 });
      for await (const e of iter) {
        const day = days.get(e.key[1] as string);
        if (day) fold(day, e.key, e.value);
      }
      return days;
    },

    /** Messages per room over the range, from the per-day room counters (one list). */
    async countRoomMessages(range: DayRange): Promise<Map<string, number>> {
      const prefix = keys.statsRoomMessagesPrefix();
      const counts = new Map<string, number>();
      const iter = kv.list({
        start: [...prefix, range.from],
        end: [...prefix, addDays(range.to, 1)],
      }, { batchSize: 1000 });
      for await (const e of iter) {
        const roomId = e.key[2] as string;
        counts.set(roomId, (counts.get(roomId) ?? 0) + num(e.value));
      }
      return counts;
    },

    /** Room records by id, any kind and expired or not (null where gone). */
    async getRoomRecords(ids: string[]): Promise<(Room | null)[]> {
      const found = await getManyBatched<Room>(
        kv,
        ids.map((id) => keys.room(id)),
      );
      return found.map((e) => e.value);
    },

    /**
     * One newest-first page of the records under a collection prefix (the admin lists): a
     * paged scan with a limit, never a count. 400 for a cursor KV cannot read.
     */
    async listNewest<T>(
      prefix: Deno.KvKey,
      limit: number,
      cursor?: string,
    ): Promise<{ items: T[]; cursor: string | null }> {
      const iter = kv.list<T>({ prefix }, { limit, cursor, reverse: true });
      const items: T[] = [];
      try {
        for await (const e of iter) items.push(e.value);
      } catch (err) {
        if (err instanceof TypeError && /cursor/i.test(err.message)) {
          throw validation("That page cursor is not valid", {
            field: "cursor",
          });
        }
        throw err;
      }
      return { items, cursor: items.length < limit ? null : iter.cursor };
    },
  };
}

/** The analytics repository's type. */
export type Stats = ReturnType<typeof createStats>;
