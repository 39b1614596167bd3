import type { EmbedRow } from "../components/EmbedMessages.tsx";
import type { EmbedUser } from "../lib/shared/embed_schemas.ts";
import type { RoomEventFrame } from "../lib/shared/protocol.ts";
import type { MessageView } from "../lib/shared/schemas.ts";

/** The embed shows the room's main log only: thread replies stay in the full app. */
const inMainLog = (m: MessageView) => m.threadRoot === null;

/**
 * The rows with a confirmed message put in its place by seq (replacing an older copy of it,
 * and my pending copy with the same clientId); replies are left out.
 */
export function upsertMessage(rows: EmbedRow[], m: MessageView): EmbedRow[] {
  const rest = rows.filter((r) =>
    r.pending ? r.clientId !== m.clientId : r.seq !== m.seq
  );
  if (!inMainLog(m)) return rest;
  const confirmed = rest.filter((r) => !r.pending);
  const pending = rest.filter((r) => r.pending);
  const at = confirmed.findIndex((r) => r.seq > m.seq);
  if (at < 0) confirmed.push(m);
  else confirmed.splice(at, 0, m);
  return [...confirmed, ...pending];
}

/** The rows after one room event: messages new, edited or deleted; other events change none. */
export function applyEvent(rows: EmbedRow[], f: RoomEventFrame): EmbedRow[] {
  if (
    f.type === "message.new" || f.type === "message.edited" ||
    f.type === "message.deleted"
  ) return upsertMessage(rows, f.message);
  return rows;
}

/** The rows of a fresh history page, keeping what arrived after its head and what is pending. */
export function reloadRows(
  rows: EmbedRow[],
  items: MessageView[],
  headSeq: number,
): EmbedRow[] {
  let next: EmbedRow[] = items.filter(inMainLog);
  for (const r of rows) {
    if (r.pending) next.push(r);
    else if (r.seq > headSeq) next = upsertMessage(next, r);
  }
  return next;
}

/** The rows with my message shown as sending until its ack. */
export function addPending(
  rows: EmbedRow[],
  me: EmbedUser,
  text: string,
  clientId: string,
  now: string,
): EmbedRow[] {
  const author = {
    id: me.id,
    handle: me.handle,
    displayName: me.displayName,
    ...(me.guest ? { guest: true as const } : {}),
  };
  return [...rows, {
    id: me.id,
    roomId: "",
    seq: 0,
    author,
    text,
    clientId,
    createdAt: now,
    category: "social",
    threadRoot: null,
    replyCount: 0,
    lastReplyAt: null,
    editedAt: null,
    deleted: false,
    pinned: false,
    reactions: [],
    mentions: [],
    pending: "sending",
  }];
}

/** The rows with a pending message marked as refused, with why. */
export function failPending(
  rows: EmbedRow[],
  clientId: string,
  error: string,
): EmbedRow[] {
  return rows.map((r) =>
    r.pending && r.clientId === clientId
      ? { ...r, pending: "failed", error }
      : r
  );
}
