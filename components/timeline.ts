import type { MessageView } from "../lib/shared/schemas.ts";
import { dayKey } from "./format.ts";

/** Longest pause between two messages of one author that still reads as one group. */
export const GROUP_WINDOW_MS = 5 * 60_000;

/** One row of the chat log: a date separator, or a message that may start a group. */
export type TimelineRow =
  | { kind: "day"; key: string; iso: string }
  | { kind: "message"; key: string; message: MessageView; first: boolean };

/** Whether `m` continues the group `prev` started: same author, category and day, soon after. */
export function continuesGroup(
  prev: MessageView | undefined,
  m: MessageView,
  local: boolean,
): boolean {
  if (!prev) return false;
  const gap = Date.parse(m.createdAt) - Date.parse(prev.createdAt);
  return prev.author.id === m.author.id &&
    prev.category === m.category &&
    gap >= 0 && gap <= GROUP_WINDOW_MS &&
    dayKey(prev.createdAt, local) === dayKey(m.createdAt, local);
}

/**
 * The log's rows for messages in seq order: a separator before each new calendar day (UTC on
 * the server, the reader's zone once hydrated) and group starts marked for avatars and names.
 */
export function buildTimeline(
  messages: MessageView[],
  local: boolean,
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let prev: MessageView | undefined;
  for (const m of messages) {
    const day = dayKey(m.createdAt, local);
    if (!prev || dayKey(prev.createdAt, local) !== day) {
      rows.push({ kind: "day", key: `day-${day}-${m.seq}`, iso: m.createdAt });
    }
    const first = !continuesGroup(prev, m, local);
    rows.push({ kind: "message", key: m.id, message: m, first });
    prev = m;
  }
  return rows;
}
