import type { NotificationView } from "../lib/shared/schemas.ts";
import type { InboxRowView } from "./inbox_select.ts";

/** What the browser allows: the Notification API's permission, or "unsupported" without it. */
export type NotifyPermission = NotificationPermission | "unsupported";

/** Where the reader is when news arrives, and what the browser allows. */
export type NotifyContext = {
  me: string;
  permission: NotifyPermission;
  /** The room open in this tab, if any. */
  open: string | null;
  hidden: boolean;
};

/** One browser notification: its title, body and tag (the room, so a newer one replaces it). */
export type Toast = { title: string; body: string; tag: string };

/** Whether the reader would not see news about `room` on this page right now. */
const away = (room: string, ctx: NotifyContext) =>
  ctx.hidden || room !== ctx.open;

/**
 * The notification for a new message, or null: only with permission, only from someone else,
 * only in a direct or group conversation that is not a request waiting for my answer, and
 * only when the tab is hidden or shows another room.
 */
export function activityToast(
  row: Pick<InboxRowView, "roomId" | "kind" | "title" | "request">,
  from: { id: string; displayName: string },
  preview: string,
  ctx: NotifyContext,
): Toast | null {
  if (ctx.permission !== "granted" || from.id === ctx.me) return null;
  if (row.kind === "proximity" || row.request === "incoming") return null;
  if (!away(row.roomId, ctx)) return null;
  const title = row.kind === "group"
    ? `${from.displayName} in ${row.title}`
    : from.displayName;
  return { title, body: preview, tag: row.roomId };
}

/** The notification for a new mention, or null, under the same conditions as a message. */
export function mentionToast(
  n: NotificationView,
  ctx: NotifyContext,
): Toast | null {
  if (ctx.permission !== "granted" || n.read || n.from.id === ctx.me) {
    return null;
  }
  if (!away(n.roomId, ctx)) return null;
  return {
    title: `${n.from.displayName} mentioned you`,
    body: n.excerpt,
    tag: n.roomId,
  };
}

/** The browser's permission for notifications now. */
export function currentPermission(): NotifyPermission {
  return typeof Notification === "undefined"
    ? "unsupported"
    : Notification.permission;
}

/** Shows a notification; some browsers (Android Chrome) allow them only from a service worker. */
export function showToast(t: Toast): void {
  try {
    new Notification(t.title, { body: t.body, tag: t.tag });
  } catch {
    // Nothing to fall back to: the unread badge and the tab title still say it.
  }
}
