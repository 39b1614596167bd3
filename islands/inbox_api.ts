import * as z from "zod";
import {
  type InboxItem,
  InboxItemSchema,
  type InboxPage,
  InboxPageSchema,
  UnreadTotalSchema,
} from "../lib/shared/inbox_schemas.ts";
import { UlidSchema } from "../lib/shared/schemas.ts";
import { apiJson, type ApiResult } from "./api_client.ts";
import type { InboxFilter } from "./inbox_reducer.ts";

/** Rooms one inbox page asks for. */
export const INBOX_PAGE = 30;

const Nothing = z.unknown();
const Created = z.object({ id: UlidSchema });

/** A failed call as a person should read it: the API's codes turned into advice. */
export function explain(r: { status: number; code: string; message: string }) {
  switch (r.code) {
    case "no_shared_room":
      return "You can only message people you share a room with. Join a room they are in first.";
    case "self":
      return "That is you. Enter someone else's handle.";
    case "dm_unavailable":
      return "This conversation is not available.";
    case "blocked":
      return "You blocked this person. Unblock them to write to them.";
  }
  if (r.status === 404 && r.code !== "network") {
    return "No one with that handle can be messaged.";
  }
  return r.message;
}

/** The inbox's REST calls, same-origin with the session cookie. */
export const inboxApi = {
  /** A page of my rooms, most recent first. */
  page(
    filter: InboxFilter,
    cursor: string | null,
  ): Promise<ApiResult<InboxPage>> {
    const q = new URLSearchParams({ limit: String(INBOX_PAGE), filter });
    if (cursor) q.set("cursor", cursor);
    return apiJson(`/inbox?${q}`, InboxPageSchema);
  },
  /** One of my rooms; 404 when I am no longer in it. */
  item: (room: string): Promise<ApiResult<InboxItem>> =>
    apiJson(`/inbox/${room}`, InboxItemSchema),
  /** My total unread count. */
  unread: () => apiJson("/inbox/unread", UnreadTotalSchema),
  /** Marks everything read. */
  readAll: () => apiJson("/inbox/read-all", Nothing, { method: "POST" }),
  /** Deletes a conversation for me until a new message arrives. */
  hide: (room: string) =>
    apiJson(`/inbox/${room}`, Nothing, { method: "DELETE" }),
  /** Answers a message request. */
  answer: (room: string, accept: boolean) =>
    apiJson(`/direct/${room}/${accept ? "accept" : "decline"}`, Nothing, {
      method: "POST",
    }),
  /** Opens (or finds) the direct conversation with a handle. */
  direct: (handle: string) => apiJson("/direct", Created, { body: { handle } }),
  /** Creates a private group. */
  group: (name: string, description: string) =>
    apiJson("/groups", Created, { body: { name, description } }),
};
