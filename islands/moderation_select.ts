import { dayKey, formatClock, formatDay } from "../components/format.ts";
import type { AuthorView } from "../lib/shared/schemas.ts";
import type { RoomState } from "./room_state.ts";

/** What stops or slows the viewer's posting in a room right now, if anything. */
export type ViewerStanding =
  | { kind: "held" }
  | { kind: "muted"; until: string }
  | { kind: "slow"; seconds: number }
  | null;

/** Until when a member is muted, or null when they are not (or it lapsed). */
export function mutedUntil(
  s: RoomState,
  userId: string,
  now: number,
): string | null {
  const until = s.mutedUntil[userId];
  return until && Date.parse(until) > now ? until : null;
}

/** The viewer's own standing: held first, then a mute, then slow mode (admins are exempt). */
export function viewerStanding(s: RoomState, now: number): ViewerStanding {
  if (s.heldMembers.includes(s.me)) return { kind: "held" };
  const until = mutedUntil(s, s.me, now);
  if (until) return { kind: "muted", until };
  if (s.slowModeS > 0 && s.role === "member" && s.kind !== "direct") {
    return { kind: "slow", seconds: s.slowModeS };
  }
  return null;
}

/** An interval for people: "30 s", "1 min", "5 min", "1 h", "90 s". */
export function formatInterval(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A time to come: "14:05" today, "Tuesday, 6 January 14:05" on another day. */
export function formatUntil(iso: string, local: boolean, now: number): string {
  const clock = formatClock(iso, local);
  const today = dayKey(new Date(now).toISOString(), local);
  return dayKey(iso, local) === today
    ? clock
    : `${formatDay(iso, local, now)} ${clock}`;
}

/** The line above the composer, and whether the composer is locked while it holds. */
export function standingNotice(
  v: ViewerStanding,
  local: boolean,
  now: number,
): { text: string; locked: boolean } | null {
  switch (v?.kind) {
    case "held":
      return {
        text: "An admin must let you in before you can post.",
        locked: true,
      };
    case "muted":
      return {
        text: `You are muted until ${formatUntil(v.until, local, now)}.`,
        locked: true,
      };
    case "slow":
      return {
        text: `Slow mode: one message every ${formatInterval(v.seconds)}.`,
        locked: false,
      };
    default:
      return null;
  }
}

/** What the member list says of someone's standing: "held", "muted until 14:05", or "". */
export function memberNote(
  s: RoomState,
  userId: string,
  local: boolean,
  now: number,
): string {
  if (s.heldMembers.includes(userId)) return "held";
  const until = mutedUntil(s, userId, now);
  return until ? `muted until ${formatUntil(until, local, now)}` : "";
}

/** The earliest mute to lapse after `now` (ms), so the page can redraw then; null if none. */
export function nextLapse(s: RoomState, now: number): number | null {
  const times = Object.values(s.mutedUntil).map(Date.parse)
    .filter((t) => t > now);
  return times.length ? Math.min(...times) : null;
}

/** The people the raid shield holds, named where the room knows them. */
export function heldPeople(
  s: RoomState,
  people: Map<string, AuthorView>,
): AuthorView[] {
  return s.heldMembers.map((id) =>
    people.get(id) ?? { id, handle: "", displayName: "Someone" }
  );
}
