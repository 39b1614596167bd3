import * as z from "zod";
import {
  type HistoryPage,
  HistoryPageSchema,
  RoomRoleSchema,
} from "../lib/shared/island_props.ts";
import {
  type MessageCategory,
  MessageViewSchema,
  NotificationViewSchema,
  type UserPrefs,
  UserPrefsSchema,
  UserViewSchema,
} from "../lib/shared/schemas.ts";
import { apiJson, type ApiResult } from "./api_client.ts";
import type { Member } from "./room_state.ts";

/** How many messages one history request asks for. */
export const PAGE_SIZE = 50;

const ThreadSchema = z.object({
  root: MessageViewSchema,
  items: z.array(MessageViewSchema),
  cursor: z.string().nullable(),
});
const ItemsSchema = z.object({ items: z.array(MessageViewSchema) });
const MembersSchema = z.object({
  items: z.array(UserViewSchema.extend({ role: RoomRoleSchema })),
});
const NotificationsSchema = z.object({
  items: z.array(NotificationViewSchema),
  unread: z.number().int(),
  head: z.number().int(),
});
const Anything = z.unknown();

/** A thread as the thread view needs it. */
export type ThreadPage = z.infer<typeof ThreadSchema>;

/** The unread mentions the badge starts from. */
export type NotificationsPage = z.infer<typeof NotificationsSchema>;

/** The REST calls of one room, all same-origin with the session cookie. */
export function roomApi(roomId: string) {
  const base = `/rooms/${roomId}`;
  const msg = (seq: number) => `${base}/messages/${seq}`;
  return {
    /** A page of history: the newest, or the one before `before`, optionally of one category. */
    history(
      opts: { before?: string | null; category?: MessageCategory | null },
    ): Promise<ApiResult<HistoryPage>> {
      const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (opts.before) q.set("before", opts.before);
      if (opts.category) q.set("category", opts.category);
      return apiJson(`${base}/messages?${q}`, HistoryPageSchema);
    },
    /** A thread's root and its first replies. */
    thread: (seq: number) =>
      apiJson(`${msg(seq)}/thread?limit=100`, ThreadSchema),
    /** The room's pinned messages. */
    pins: () => apiJson(`${base}/pins`, ItemsSchema),
    /** The first page of members with their roles, as the chat shows them. */
    async members(): Promise<ApiResult<Member[]>> {
      const r = await apiJson(`${base}/members?limit=200`, MembersSchema);
      if (!r.ok) return r;
      const items = r.data.items.map(({ id, handle, displayName, role }) => ({
        id,
        handle,
        displayName,
        role,
      }));
      return { ...r, data: items };
    },
    /** Replaces a message's text (its author only). */
    edit: (seq: number, text: string) =>
      apiJson(msg(seq), Anything, { method: "PATCH", body: { text } }),
    /** Deletes a message, leaving a tombstone. */
    remove: (seq: number) => apiJson(msg(seq), Anything, { method: "DELETE" }),
    /** Sets or clears one emoji reaction of the viewer. */
    react: (seq: number, emoji: string, on: boolean) =>
      apiJson(`${msg(seq)}/reactions`, Anything, { body: { emoji, on } }),
    /** Pins or unpins a message (owners and admins). */
    pin: (seq: number, pinned: boolean) =>
      apiJson(`${base}/pins/${seq}`, Anything, {
        method: pinned ? "PUT" : "DELETE",
      }),
    /** Leaves the room. */
    leave: () => apiJson(`${base}/leave`, Anything, { method: "POST" }),
  };
}

/** The REST calls of one room. */
export type RoomApi = ReturnType<typeof roomApi>;

/** The viewer's unread mentions, newest first. */
export function unreadNotifications(): Promise<ApiResult<NotificationsPage>> {
  return apiJson("/notifications?unread=true&limit=20", NotificationsSchema);
}

/** Marks every notification up to `upto` as read. */
export function readNotifications(upto: number): Promise<ApiResult<unknown>> {
  return apiJson("/notifications/read", Anything, { body: { upto } });
}

/** The viewer's own preferences. */
export function getPrefs(): Promise<ApiResult<UserPrefs>> {
  return apiJson("/me/prefs", UserPrefsSchema);
}

/** Replaces the viewer's preferences; answers with what was saved. */
export function putPrefs(prefs: UserPrefs): Promise<ApiResult<UserPrefs>> {
  return apiJson("/me/prefs", UserPrefsSchema, { method: "PUT", body: prefs });
}
