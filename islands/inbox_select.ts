import type { InboxRowData } from "../components/InboxRow.tsx";
import type { InboxEntry, InboxState } from "./inbox_reducer.ts";

/** One row as the inbox shows it: the server's item with what streamed in since applied. */
export type InboxRowView = InboxRowData;

/**
 * Where the reader is: the room open in this tab, and whether the tab is visible. While the
 * open room is on screen its badge stays clear (the chat marks it read as messages arrive).
 */
export type Viewing = { open: string | null; visible: boolean };

/** The row for one entry: counts and preview from the base item plus the streamed messages. */
export function rowOf(e: InboxEntry, viewing: Viewing): InboxRowView {
  const latest = e.streamed.at(-1);
  const current = e.base.roomId === viewing.open;
  // The recipient replying accepts my request; no refetch tells me so.
  const answered = e.base.request === "outgoing" &&
    e.streamed.some((s) => s.from.id === e.base.peer?.id);
  const unread = e.base.request === "incoming"
    ? 0
    : e.base.unread + e.streamed.filter((s) => s.counted).length;
  return {
    roomId: e.base.roomId,
    kind: e.base.kind,
    title: e.base.title,
    unread: current && viewing.visible ? 0 : unread,
    activityAt: latest && latest.at > e.base.activityAt
      ? latest.at
      : e.base.activityAt,
    last: latest
      ? { author: latest.from, text: latest.preview, deleted: false }
      : e.base.preview
      ? {
        author: e.base.preview.author,
        text: e.base.preview.text,
        deleted: e.base.preview.deleted,
      }
      : null,
    request: answered ? null : e.base.request,
    current,
  };
}

/** Newest activity first; ids break ties the way the server does. */
function byActivity(a: InboxRowView, b: InboxRowView): number {
  if (a.activityAt !== b.activityAt) {
    return a.activityAt < b.activityAt ? 1 : -1;
  }
  return a.roomId < b.roomId ? 1 : -1;
}

/** Every loaded row, most recent first. */
export function allRows(s: InboxState, viewing: Viewing): InboxRowView[] {
  return Object.values(s.entries).map((e) => rowOf(e, viewing)).sort(
    byActivity,
  );
}

/** The rows of the main list: everything but requests waiting for my answer. */
export function listRows(s: InboxState, viewing: Viewing): InboxRowView[] {
  return allRows(s, viewing).filter((r) => r.request !== "incoming");
}

/** Message requests waiting for my answer, most recent first. */
export function requestRows(s: InboxState, viewing: Viewing): InboxRowView[] {
  return allRows(s, viewing).filter((r) => r.request === "incoming");
}

/** My total unread: every loaded row's count plus what the server counted in the others. */
export function totalUnread(s: InboxState, viewing: Viewing): number {
  return allRows(s, viewing).reduce((n, r) => n + r.unread, s.outside);
}

/** Whether a room is loaded (otherwise news about it needs a fetch). */
export function isLoaded(s: InboxState, room: string): boolean {
  return room in s.entries;
}
