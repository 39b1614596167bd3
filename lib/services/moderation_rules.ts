import type { Membership } from "../db/members.ts";
import type { Message } from "../db/room_log.ts";
import { AppError, forbidden, notFound } from "../shared/errors.ts";
export {
  RAID_EDGE_JOINS,
  RAID_JOINS,
  RAID_SHIELD_MS,
  RAID_WINDOW_MS,
} from "../db/raid_shield.ts";

/** Longest mute, in minutes (a week); longer means a ban. */
export const MAX_MUTE_MINUTES = 7 * 24 * 60;

/** Longest slow-mode interval, in seconds. */
export const MAX_SLOW_MODE_S = 3_600;

/** A fix this far out (as a share of the radius) counts as an edge join. */
export const EDGE_SHARE = 0.8;

/** Why a member may not post or react right now, or null. */
export function silenced(m: Membership, now: number): AppError | null {
  if (m.held) {
    return forbidden(
      "held",
      "This room's raid shield is up: an admin must let you in before you can post",
    );
  }
  if (m.mutedUntil !== undefined && m.mutedUntil > now) {
    return forbidden("muted", "You are muted in this room", {
      until: new Date(m.mutedUntil).toISOString(),
    });
  }
  return null;
}

/** 429 `slow_mode`: the member posted less than the interval ago. */
export function slowModeWait(
  lastAt: number | null,
  intervalS: number,
  now: number,
): AppError | null {
  if (lastAt === null || intervalS <= 0) return null;
  const waitMs = lastAt + intervalS * 1_000 - now;
  if (waitMs <= 0) return null;
  return new AppError(
    429,
    "slow_mode",
    `Slow mode: one message every ${intervalS} s`,
    { retryAfterS: Math.ceil(waitMs / 1_000) },
  );
}

/** Whether a viewer may see a message: a shadow message is its author's alone. */
export const visibleTo = (m: Message, userId: string): boolean =>
  !m.shadow || m.author.id === userId;

/** The message if the viewer may see it; 404 as if it did not exist otherwise. */
export function requireVisible(m: Message | null, userId: string): Message {
  if (!m || !visibleTo(m, userId)) throw notFound("Message");
  return m;
}
