import type { Person } from "../components/PersonName.tsx";
import type {
  AuthorView,
  MessageCategory,
  MessageView,
} from "../lib/shared/schemas.ts";
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

/** Display names and handles by user id, from the member list and every author held. */
export function peopleIndex(s: RoomState): Map<string, AuthorView> {
  const people = new Map<string, AuthorView>();
  for (const m of s.messages) people.set(m.author.id, m.author);
  for (const u of s.members ?? []) {
    people.set(u.id, {
      id: u.id,
      handle: u.handle,
      displayName: u.displayName,
    });
  }
  return people;
}

/** Who is typing now, in the order they started, leaving out people the viewer blocked. */
export function typingPeople(
  s: RoomState,
  blocked: ReadonlySet<string> = new Set(),
): AuthorView[] {
  return Object.values(s.typing).map((t) => t.user)
    .filter((u) => !blocked.has(u.id));
}

/** Who has read the viewer's last message, in small rooms, when anyone has. */
export function seenBy(
  s: RoomState,
  people: Map<string, Person>,
): { seq: number; readers: Person[] } | null {
  if (s.memberCount > SEEN_BY_MAX_MEMBERS) return null;
  const mine = s.messages.findLast((m) => m.author.id === s.me && !m.deleted);
  if (!mine) return null;
  const readers = Object.entries(s.receipts)
    .filter(([id, seq]) => id !== s.me && seq >= mine.seq)
    .map(([id]) => people.get(id) ?? { displayName: "someone" })
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
  if (readers.length === 0) return null;
  return { seq: mine.seq, readers };
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

/** The viewer's sends waiting in the open thread. */
export function threadPending(s: RoomState): PendingSend[] {
  const t = s.thread;
  return t ? s.pending.filter((p) => p.threadRoot === t.rootSeq) : [];
}

/** The newest send refused for a reason in `codes` (one retrying cannot fix), if any. */
export function lastingRefusal(
  s: RoomState,
  codes: ReadonlySet<string>,
): PendingSend | undefined {
  return s.pending.findLast((p) =>
    p.state === "failed" && codes.has(p.code ?? "")
  );
}
