import type { Messages } from "../db/messages.ts";
import type { Prefs } from "../db/prefs.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import type { ReadMarks } from "../db/read_marks.ts";
import type { Rooms } from "../db/rooms.ts";
import type { User } from "../db/users.ts";
import type { UserPrefs } from "../shared/schemas.ts";
import { LIMITS } from "./limits.ts";
import type { RoomService } from "./rooms.ts";

/** "Seen by" is shown for rooms of at most this many members. */
export const SEEN_BY_MAX_MEMBERS = 50;

/** Read marks, "seen by" and the private-reading preference. */
export function createReceiptService(
  marks: ReadMarks,
  prefs: Prefs,
  rooms: RoomService,
  roomRepo: Rooms,
  messages: Messages,
  limits: RateLimits,
) {
  return {
    /**
     * Raises the user's read mark in a room (clamped to the head). Answers the mark to show
     * others, or null when nothing moved or the user reads privately.
     */
    async markRead(user: User, roomId: string, seq: number) {
      await rooms.requireMember(user, roomId);
      await limits.hit(LIMITS.read, user.id);
      const head = await messages.getRoomHead(roomId);
      const upto = Math.min(seq, head?.seq ?? 0);
      if (upto < 1 || !(await marks.setReadMark(roomId, user.id, upto))) {
        return null;
      }
      const mine = await prefs.getPrefs(user.id);
      return mine.privateReading ? null : { userId: user.id, seq: upto };
    },

    /** Who has read how far, for small rooms; people who read privately are left out. */
    async listReceipts(user: User, roomId: string) {
      await rooms.requireMember(user, roomId);
      const [stats] = await roomRepo.getRoomStats([roomId]);
      if (stats.memberCount > SEEN_BY_MAX_MEMBERS) return [];
      const all = await marks.listReadMarks(roomId, SEEN_BY_MAX_MEMBERS * 2);
      const p = await prefs.getManyPrefs(all.map((m) => m.userId));
      return all.filter((m) => !p.get(m.userId)?.privateReading);
    },

    /** The user's own read mark in a room (0 when none). */
    async getReadMark(user: User, roomId: string): Promise<number> {
      return (await marks.getReadMark(roomId, user.id)) ?? 0;
    },

    /** The user's preferences. */
    getPrefs: (user: User) => prefs.getPrefs(user.id),

    /** Replaces the user's preferences. */
    setPrefs: (user: User, next: UserPrefs) => prefs.setPrefs(user.id, next),
  };
}

/** The receipt service's type. */
export type ReceiptService = ReturnType<typeof createReceiptService>;
