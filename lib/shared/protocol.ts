import * as z from "zod";
import {
  AuthorViewSchema,
  ClientIdSchema,
  EmojiSchema,
  MessageCategorySchema,
  MessageTextSchema,
  MessageViewSchema,
  NotificationViewSchema,
  PresenceStatusSchema,
  PresenceViewSchema,
  ReactionSummarySchema,
  UlidSchema,
  UserViewSchema,
} from "./schemas.ts";

/** Largest inbound WebSocket frame in bytes; a 4,000-character message fits with room. */
export const MAX_INBOUND_FRAME_BYTES = 32 * 1024;

/** Rooms one connection may subscribe to at once. */
export const MAX_SUBSCRIPTIONS = 50;

/**
 * Frames a socket may send back to back (its token bucket's size): a reconnect resubscribes
 * to 50 rooms and resends 20 pending messages in one burst, with room to spare.
 */
export const FRAME_BURST = 120;

/** Frames per second a socket's bucket refills by; a socket that runs it dry is closed 1008. */
export const FRAMES_PER_SECOND = 20;

/** Open sockets one user may hold on one server isolate; one more is refused with 429. */
export const MAX_SOCKETS_PER_USER = 20;

/** Open sockets one client address may hold on one server isolate; one more is refused with 429. */
export const MAX_SOCKETS_PER_ADDRESS = 100;

/** A client's request id, echoed in the `ack` or `error` that answers the frame. */
const Ref = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional();
const Seq = z.number().int().min(1);

/** A member's role in a room. */
const MemberRoleSchema = z.enum(["owner", "admin", "member"]);

/** Rooms one socket's inbox subscription follows at most. */
export const MAX_INBOX_FOLLOWS = 500;

/** Frames a client sends, discriminated on `type`. */
export const ClientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auth"), token: z.string().min(1).max(200) }),
  z.object({
    type: z.literal("subscribe"),
    room: UlidSchema,
    /** The last seq the client applied; omitted = start from the head. */
    after: z.number().int().min(0).optional(),
    /** The epoch `after` belongs to; a different epoch cannot resume. */
    epoch: z.string().max(64).optional(),
  }),
  z.object({ type: z.literal("unsubscribe"), room: UlidSchema }),
  z.object({
    type: z.literal("message.send"),
    room: UlidSchema,
    text: MessageTextSchema,
    clientId: ClientIdSchema,
    threadRoot: Seq.optional(),
    category: MessageCategorySchema.optional(),
  }),
  z.object({
    type: z.literal("message.edit"),
    room: UlidSchema,
    seq: Seq,
    text: MessageTextSchema,
    ref: Ref,
  }),
  z.object({
    type: z.literal("message.delete"),
    room: UlidSchema,
    seq: Seq,
    ref: Ref,
  }),
  z.object({
    type: z.literal("reaction.set"),
    room: UlidSchema,
    seq: Seq,
    emoji: EmojiSchema,
    on: z.boolean(),
    ref: Ref,
  }),
  z.object({
    type: z.literal("pin.set"),
    room: UlidSchema,
    seq: Seq,
    pinned: z.boolean(),
    ref: Ref,
  }),
  z.object({ type: z.literal("typing"), room: UlidSchema }),
  z.object({ type: z.literal("read.mark"), room: UlidSchema, seq: Seq }),
  z.object({
    type: z.literal("presence.set"),
    status: z.enum(["online", "away", "dnd"]),
  }),
  z.object({
    type: z.literal("notifications.subscribe"),
    after: z.number().int().min(0).optional(),
    epoch: z.string().max(64).optional(),
  }),
  /** Follow every room and conversation of mine for inbox.activity (not resumable: refetch). */
  z.object({ type: z.literal("inbox.subscribe") }),
  z.object({ type: z.literal("ping"), id: z.string().max(64).optional() }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

const RoomSeq = { room: UlidSchema, seq: z.number().int().min(1) };

/**
 * The durable room events, in the room's log order. Each carries the state after the change,
 * so applying one twice is harmless.
 */
export const RoomEventFrameSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("message.new"),
    ...RoomSeq,
    message: MessageViewSchema,
  }),
  z.object({
    type: z.literal("message.edited"),
    ...RoomSeq,
    message: MessageViewSchema,
  }),
  z.object({
    type: z.literal("message.deleted"),
    ...RoomSeq,
    message: MessageViewSchema,
  }),
  z.object({
    type: z.literal("reaction.updated"),
    ...RoomSeq,
    messageSeq: z.number().int().min(1),
    emoji: z.string(),
    userId: UlidSchema,
    on: z.boolean(),
    /** Every emoji's summary on the message after this change. */
    reactions: z.array(ReactionSummarySchema),
  }),
  z.object({
    type: z.literal("pin.updated"),
    ...RoomSeq,
    messageSeq: z.number().int().min(1),
    pinned: z.boolean(),
    by: UlidSchema,
  }),
  z.object({
    type: z.literal("thread.updated"),
    ...RoomSeq,
    rootSeq: z.number().int().min(1),
    replyCount: z.number().int().min(0),
    lastReplyAt: z.string().nullable(),
  }),
  z.object({
    type: z.literal("member.joined"),
    ...RoomSeq,
    user: AuthorViewSchema,
    memberCount: z.number().int().min(0),
    role: MemberRoleSchema.optional(),
    /** Who added them (a group invite). */
    by: UlidSchema.optional(),
    /** Held by the raid shield: read-only until an admin lets them in. */
    held: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("member.left"),
    ...RoomSeq,
    userId: UlidSchema,
    memberCount: z.number().int().min(0),
    /** Who removed them, when someone else did. */
    by: UlidSchema.optional(),
    reason: z.enum(["left", "removed", "kicked", "banned"]).optional(),
  }),
  z.object({
    type: z.literal("member.muted"),
    ...RoomSeq,
    userId: UlidSchema,
    /** Muted until then; null: unmuted. */
    until: z.string().nullable(),
    by: UlidSchema,
  }),
  z.object({
    type: z.literal("member.admitted"),
    ...RoomSeq,
    userId: UlidSchema,
    by: UlidSchema,
  }),
  /** An event this socket may not see (kept so its seqs stay gap-free): advance the cursor. */
  z.object({ type: z.literal("skipped"), ...RoomSeq }),
  z.object({
    type: z.literal("member.role"),
    ...RoomSeq,
    userId: UlidSchema,
    role: MemberRoleSchema,
    by: UlidSchema,
  }),
  z.object({
    type: z.literal("request.accepted"),
    ...RoomSeq,
    by: UlidSchema,
  }),
  z.object({
    type: z.literal("room.updated"),
    ...RoomSeq,
    name: z.string(),
    description: z.string(),
    /** Seconds a member waits between messages (0: off), when it changed. */
    slowModeS: z.number().int().min(0).optional(),
  }),
]);
export type RoomEventFrame = z.infer<typeof RoomEventFrameSchema>;

/** Every `type` a room event can have. */
export const ROOM_EVENT_TYPES = RoomEventFrameSchema.options.map((o) =>
  o.shape.type.value
);

/** Frames the server sends, discriminated on `type`. */
export const ServerFrameSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ready"),
    user: UserViewSchema,
    isolate: z.string(),
  }),
  z.object({
    type: z.literal("subscribed"),
    room: UlidSchema,
    /** Events after this seq follow, in order. */
    seq: z.number().int(),
    epoch: z.string(),
    /** False: the requested `after` could not be resumed; reload a snapshot, then apply events. */
    recovered: z.boolean(),
  }),
  z.object({
    type: z.literal("unsubscribed"),
    room: UlidSchema,
    /** "left" when pushed because the user left the room (or was removed from it). */
    reason: z.enum(["request", "left"]).optional(),
  }),
  ...RoomEventFrameSchema.options,
  z.object({
    type: z.literal("message.ack"),
    clientId: z.string(),
    message: MessageViewSchema,
  }),
  z.object({
    type: z.literal("ack"),
    ref: z.string(),
    /** The seq of the event the action appended (0 when it changed nothing). */
    seq: z.number().int().min(0),
  }),
  z.object({
    type: z.literal("typing"),
    room: UlidSchema,
    user: AuthorViewSchema,
  }),
  z.object({
    type: z.literal("presence.state"),
    room: UlidSchema,
    /** Everyone connected to the room now (offline people are not listed). */
    users: z.array(PresenceViewSchema),
    online: z.number().int().min(0),
  }),
  z.object({
    type: z.literal("presence.update"),
    room: UlidSchema,
    changes: z.array(PresenceViewSchema),
    online: z.number().int().min(0),
  }),
  z.object({
    type: z.literal("receipts.state"),
    room: UlidSchema,
    marks: z.array(z.object({ userId: UlidSchema, seq: z.number().int() })),
  }),
  z.object({
    type: z.literal("receipt.update"),
    room: UlidSchema,
    userId: UlidSchema,
    seq: z.number().int(),
  }),
  z.object({
    type: z.literal("notifications.subscribed"),
    seq: z.number().int(),
    epoch: z.string(),
    recovered: z.boolean(),
  }),
  z.object({
    type: z.literal("notification.new"),
    seq: z.number().int().min(1),
    notification: NotificationViewSchema,
  }),
  z.object({
    type: z.literal("inbox.subscribed"),
    /** How many of my rooms are followed (at most MAX_INBOX_FOLLOWS, newest first). */
    rooms: z.number().int().min(0),
  }),
  z.object({
    type: z.literal("inbox.activity"),
    room: UlidSchema,
    /** The room log seq of the message.new; counts reflecting a lower seq add it. */
    seq: z.number().int().min(1),
    at: z.string(),
    from: AuthorViewSchema,
    /** The start of the text (raw, never HTML). */
    preview: z.string(),
  }),
  z.object({
    type: z.literal("inbox.removed"),
    room: UlidSchema,
  }),
  z.object({
    type: z.literal("inbox.changed"),
    /** Seq in my own stream (the notifications stream), for resuming it. */
    seq: z.number().int().min(1),
    room: UlidSchema,
    why: z.enum(["added", "read", "hidden", "accepted", "declined"]),
  }),
  z.object({ type: z.literal("pong"), id: z.string().optional() }),
  z.object({
    type: z.literal("error"),
    code: z.string(),
    message: z.string(),
    room: z.string().optional(),
    clientId: z.string().optional(),
    ref: z.string().optional(),
    /** Seconds to wait before retrying, on `rate_limited`. */
    retryAfterS: z.number().optional(),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** Presence statuses a client may set for itself. */
export const SettablePresenceSchema = PresenceStatusSchema.exclude([
  "offline",
]);
