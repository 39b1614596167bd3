import type { RoomEvent } from "../db/room_log.ts";
import { isoOrNull } from "../shared/clock.ts";
import type { FeedItem } from "./room_feed.ts";
import { toMessageView } from "../services/chat.ts";
import { AppError } from "../shared/errors.ts";
import {
  type ClientFrame,
  ClientFrameSchema,
  type RoomEventFrame,
  type ServerFrame,
} from "../shared/protocol.ts";
import { ClientIdSchema, UlidSchema } from "../shared/schemas.ts";
import { PREVIEW_CHARS } from "../shared/inbox_schemas.ts";

/** Close codes the socket server uses; docs/protocol.md explains each. */
export const CLOSE = {
  shutdown: 1001,
  unsupported: 1003,
  policy: 1008,
  tooBig: 1009,
  fault: 1011,
  slow: 1013,
} as const;

/** The room and clientId an error frame echoes, so a client can match it to a request. */
export type ErrorContext = { room?: string; clientId?: string; ref?: string };

/** An inbound frame, or an error frame explaining why it was refused. */
export type Parsed =
  | { ok: true; frame: ClientFrame }
  | { ok: false; error: ServerFrame };

/** Whether a text frame is over `max` bytes of UTF-8, encoding it only when it might be. */
export function tooLarge(text: string, max: number): boolean {
  if (text.length * 3 <= max) return false;
  return text.length > max || new TextEncoder().encode(text).byteLength > max;
}

/** Validates one text frame against the client union; never throws. */
export function parseClientFrame(text: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return refuse({}, "Frame is not valid JSON");
  }
  const result = ClientFrameSchema.safeParse(raw);
  if (result.success) return { ok: true, frame: result.data };
  const obj = (typeof raw === "object" && raw !== null ? raw : {}) as Record<
    string,
    unknown
  >;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return refuse(contextOf(obj), `${where}${issue?.message}`);
}

function refuse(ctx: ErrorContext, message: string): Parsed {
  const error = errorFrame(new AppError(400, "invalid_request", message), ctx);
  return { ok: false, error };
}

/** The room and clientId of a frame, taken only when they are well-formed. */
export function contextOf(obj: Record<string, unknown>): ErrorContext {
  const ctx: ErrorContext = {};
  if (UlidSchema.safeParse(obj.room).success) ctx.room = obj.room as string;
  if (ClientIdSchema.safeParse(obj.clientId).success) {
    ctx.clientId = obj.clientId as string;
  }
  if (ClientIdSchema.safeParse(obj.ref).success) ctx.ref = obj.ref as string;
  return ctx;
}

/** The error frame for an application error. */
export function errorFrame(err: AppError, ctx: ErrorContext): ServerFrame {
  const retry = (err.details as { retryAfterS?: unknown } | undefined)
    ?.retryAfterS;
  return {
    type: "error",
    code: err.code,
    message: err.message,
    ...ctx,
    ...(typeof retry === "number" ? { retryAfterS: retry } : {}),
  };
}

/** A stored room event as its wire frame. */
export function toEventFrame(e: RoomEvent): RoomEventFrame {
  const base = { room: e.roomId, seq: e.seq };
  switch (e.kind) {
    case "message.new":
    case "message.edited":
    case "message.deleted":
      return { type: e.kind, ...base, message: toMessageView(e.message) };
    case "reaction.updated":
      return {
        type: e.kind,
        ...base,
        messageSeq: e.messageSeq,
        emoji: e.emoji,
        userId: e.userId,
        on: e.on,
        reactions: e.reactions,
      };
    case "pin.updated":
      return {
        type: e.kind,
        ...base,
        messageSeq: e.messageSeq,
        pinned: e.pinned,
        by: e.by,
      };
    case "thread.updated":
      return {
        type: e.kind,
        ...base,
        rootSeq: e.rootSeq,
        replyCount: e.replyCount,
        lastReplyAt: isoOrNull(e.lastReplyAt),
      };
    case "member.joined":
      return {
        type: e.kind,
        ...base,
        user: e.user,
        memberCount: e.memberCount,
        ...(e.role ? { role: e.role } : {}),
        ...(e.by ? { by: e.by } : {}),
        ...(e.held ? { held: true } : {}),
      };
    case "member.left":
      return {
        type: e.kind,
        ...base,
        userId: e.userId,
        memberCount: e.memberCount,
        ...(e.by ? { by: e.by } : {}),
        ...(e.reason ? { reason: e.reason } : {}),
      };
    case "member.role":
      return {
        type: e.kind,
        ...base,
        userId: e.userId,
        role: e.role,
        by: e.by,
      };
    case "request.accepted":
      return { type: e.kind, ...base, by: e.by };
    case "member.muted":
      return {
        type: e.kind,
        ...base,
        userId: e.userId,
        until: isoOrNull(e.until),
        by: e.by,
      };
    case "member.admitted":
      return { type: e.kind, ...base, userId: e.userId, by: e.by };
    case "room.updated":
      return {
        type: e.kind,
        ...base,
        name: e.name,
        description: e.description,
        ...(e.slowModeS !== undefined ? { slowModeS: e.slowModeS } : {}),
      };
  }
}

/** A room event as the feed hands it out: serialised once however many sockets get it. */
export function toFeedItem(e: RoomEvent): FeedItem {
  const item: FeedItem = {
    seq: e.seq,
    text: JSON.stringify(toEventFrame(e)),
    ends: e.kind === "member.left" ? e.userId : undefined,
    event: e,
  };
  if (e.onlyFor === undefined) return item;
  const skipped: ServerFrame = { type: "skipped", room: e.roomId, seq: e.seq };
  return {
    ...item,
    onlyFor: e.onlyFor,
    hidden: { seq: e.seq, text: JSON.stringify(skipped) },
  };
}

/** A new message as inbox.activity, built once per event however many inboxes follow it. */
export function inboxActivityText(item: FeedItem): string | null {
  const e = item.event;
  if (!e || e.kind !== "message.new") return null;
  item.inboxText ??= JSON.stringify(
    {
      type: "inbox.activity",
      room: e.roomId,
      seq: e.seq,
      at: new Date(e.at).toISOString(),
      from: e.message.author,
      preview: e.message.text.slice(0, PREVIEW_CHARS),
    } satisfies ServerFrame,
  );
  return item.inboxText;
}
