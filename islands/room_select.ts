import { joinNames } from "../components/format.ts";
import type { MessageCategory, MessageView } from "../lib/shared/schemas.ts";
import type { PendingSend, RoomState } from "./room_state.ts";

/** Rooms with more members than this show no "Seen by" line. */
export const SEEN_BY_MAX_MEMBERS = 20;

/** The messages the log shows under a category filter (all of them without one). */
export function visibleMessages(
  s: RoomState,
  filter: MessageCategory | null,
): MessageView[] {
  return filter ? s.messages.filter((m) => m.category === filter) : s.messages;
}

/** The pending sends the log shows under a category filter. */
export function visiblePending(
  s: RoomState,
  filter: MessageCategory | null,
): PendingSend[] {
  return filter ? s.pending.filter((p) => p.category === filter) : s.pending;
}

/** Display names by user id, from the member list and every author held. */
export function nameIndex(s: RoomState): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of s.messages) names.set(m.author.id, m.author.displayName);
  for (const u of s.members ?? []) names.set(u.id, u.displayName);
  return names;
}

/** Handles by user id, from the member list and every author held. */
export function handleIndex(s: RoomState): Map<string, string> {
  const handles = new Map<string, string>();
  for (const m of s.messages) handles.set(m.author.id, m.author.handle);
  for (const u of s.members ?? []) handles.set(u.id, u.handle);
  return handles;
}

/** Who is typing now, by display name, in the order they started. */
export function typingNames(s: RoomState): string[] {
  return Object.values(s.typing).map((t) => t.user.displayName);
}

/** "Seen by …" for the viewer's last message, in small rooms, when anyone has read it. */
export function seenBy(
  s: RoomState,
  names: Map<string, string>,
): { seq: number; text: string } | null {
  if (s.memberCount > SEEN_BY_MAX_MEMBERS) return null;
  const mine = s.messages.findLast((m) => m.author.id === s.me && !m.deleted);
  if (!mine) return null;
  const readers = Object.entries(s.receipts)
    .filter(([id, seq]) => id !== s.me && seq >= mine.seq)
    .map(([id]) => names.get(id) ?? "someone")
    .sort();
  if (readers.length === 0) return null;
  return { seq: mine.seq, text: `Seen by ${joinNames(readers)}` };
}

/** How many messages from others arrived after `seenSeq`. */
export function unseenCount(
  messages: MessageView[],
  seenSeq: number,
  me: string,
): number {
  let n = 0;
  for (let i = messages.length - 1; i >= 0 && messages[i].seq > seenSeq; i--) {
    if (messages[i].author.id !== me) n++;
  }
  return n;
}
