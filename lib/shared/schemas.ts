import * as z from "zod";

/** A ULID: 26 Crockford base-32 characters, the id format of every entity. */
export const UlidSchema = z.string().regex(
  /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/,
  "must be a ULID",
);

/**
 * An instant as the API writes it, ISO 8601 in UTC. Metadata for the API document only: it
 * validates like any string.
 */
export const TimestampSchema = z.string().meta({ format: "date-time" });

/** Latitude in degrees. */
export const LatSchema = z.number().min(-90).max(90);

/** Longitude in degrees. */
export const LngSchema = z.number().min(-180).max(180);

/** A user's unique handle: 3–32 letters, digits or underscores. */
export const HandleSchema = z.string().trim().regex(
  /^[A-Za-z0-9_]{3,32}$/,
  "3–32 letters, digits or underscores",
);

/**
 * Characters a display name may not contain, since they hide or reorder text and so let
 * one name pass for another: every control (Cc) and format (Cf) character — bidi
 * embeddings, overrides, isolates and marks, zero-width spaces and joiners, the BOM —
 * plus line and paragraph separators and lone surrogates.
 */
const INVISIBLE_CHARS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** A name drawn with nothing but spaces and the Hangul and Braille blank letters. */
const BLANK_NAME = /^[\s\u115F\u1160\u3164\uFFA0\u2800]*$/u;

/** A display name shown beside messages: NFC, trimmed, 1–64 visible characters. */
export const DisplayNameSchema = z.string()
  .normalize("NFC")
  // Checked before trimming, which would quietly drop a BOM or a tab at either end.
  .refine((s) => !INVISIBLE_CHARS.test(s), {
    message: "must not contain invisible, bidi or control characters",
    abort: true,
  })
  .trim()
  .min(1)
  .max(64)
  .refine((s) => !BLANK_NAME.test(s), "must contain a visible character");

/** A password: long enough to matter, short enough to hash cheaply. */
export const PasswordSchema = z.string().min(8).max(256);

/** Body of POST /auth/register. */
export const RegisterInputSchema = z.object({
  handle: HandleSchema,
  displayName: DisplayNameSchema,
  password: PasswordSchema,
}).meta({
  description:
    "A new account: a unique handle, the name shown beside messages, a password",
  example: {
    handle: "ada",
    displayName: "Ada Lovelace",
    password: "correct horse battery",
  },
});
export type RegisterInput = z.infer<typeof RegisterInputSchema>;

/** Body of POST /auth/login. */
export const LoginInputSchema = z.object({
  handle: HandleSchema,
  password: z.string().min(1).max(256),
}).meta({ example: { handle: "ada", password: "correct horse battery" } });
export type LoginInput = z.infer<typeof LoginInputSchema>;

/** A user as other people see it. */
export const UserViewSchema = z.object({
  id: UlidSchema,
  handle: z.string(),
  displayName: z.string(),
  createdAt: TimestampSchema,
  /** A guest account from an embedded room (fewer rights); absent for everyone else. */
  guest: z.literal(true).optional(),
}).meta({
  id: "UserView",
  description: "A user as other people see it",
  example: {
    id: "01JA2B3C4D5E6F7G8H9JKMNPQR",
    handle: "ada",
    displayName: "Ada Lovelace",
    createdAt: "2026-01-01T10:00:00.000Z",
  },
});
export type UserView = z.infer<typeof UserViewSchema>;

/** The kinds of room. */
export const RoomCategorySchema = z.enum([
  "social",
  "networking",
  "event",
  "venue",
]);
export type RoomCategory = z.infer<typeof RoomCategorySchema>;

/** Smallest and largest room radius in metres. */
export const ROOM_RADIUS_M = { min: 50, max: 50_000 } as const;

/** Body of POST /rooms. */
export const CreateRoomInputSchema = z.object({
  name: z.string().trim().min(1).max(80),
  description: z.string().trim().max(500).default(""),
  lat: LatSchema,
  lng: LngSchema,
  /**
   * "here" (default): the point is the creator's own fix, so the centre snaps to a public
   * ~150 m grid and the fix is forgotten; "map": a place picked deliberately, kept as given.
   */
  placement: z.enum(["here", "map"]).optional(),
  /** The post radius: join and post from inside it. */
  radiusM: z.number().int().min(ROOM_RADIUS_M.min).max(ROOM_RADIUS_M.max),
  /** The read radius (peek: read-only); at least radiusM; default twice it (at most 50 km). */
  readRadiusM: z.number().int().min(ROOM_RADIUS_M.min).max(ROOM_RADIUS_M.max)
    .optional(),
  category: RoomCategorySchema,
  expiresAt: z.iso.datetime({ offset: true }).optional(),
}).refine((r) => r.readRadiusM === undefined || r.readRadiusM >= r.radiusM, {
  message: "readRadiusM must be at least radiusM",
  path: ["readRadiusM"],
}).meta({
  description: "A new proximity room at a point, with its post radius",
  example: {
    name: "Canal-side coffee",
    description: "Regulars of the Saturday market",
    lat: 51.5362,
    lng: -0.1034,
    radiusM: 300,
    category: "social",
  },
});
export type CreateRoomInput = z.infer<typeof CreateRoomInputSchema>;

/** Body of PATCH /rooms/:id: a new name and/or description. */
export const UpdateRoomInputSchema = z.object({
  name: z.string().trim().min(1).max(80).optional(),
  description: z.string().trim().max(500).optional(),
}).refine((p) => p.name !== undefined || p.description !== undefined, {
  message: "Give name or description",
}).meta({ example: { name: "Canal-side coffee & cake" } });
export type UpdateRoomInput = z.infer<typeof UpdateRoomInputSchema>;

/** The kinds of room: public ones at a place, direct conversations, private groups. */
export const RoomKindSchema = z.enum(["proximity", "direct", "group"]);

const ROOM_EXAMPLE = {
  id: "01JA2B7Q9W3E5R7T9Y1V3H5N7P",
  kind: "proximity",
  name: "Canal-side coffee",
  description: "Regulars of the Saturday market",
  lat: 51.5363,
  lng: -0.1035,
  radiusM: 300,
  readRadiusM: 600,
  category: "social",
  ownerId: "01JA2B3C4D5E6F7G8H9JKMNPQR",
  createdAt: "2026-01-03T09:12:00.000Z",
  expiresAt: null,
  memberCount: 12,
  lastMessageAt: "2026-01-03T10:41:07.000Z",
  slowModeS: 0,
  ended: false,
} as const;

/** A room as clients see it; only proximity rooms have a place (null for conversations). */
export const RoomViewSchema = z.object({
  id: UlidSchema,
  kind: RoomKindSchema,
  name: z.string(),
  description: z.string(),
  /** A proximity room's public centre (a grid cell's, unless placed on the map). */
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  /** The post radius: join and post from inside it. */
  radiusM: z.number().nullable(),
  /** The read radius: peek (read-only) from inside it. */
  readRadiusM: z.number().nullable(),
  category: RoomCategorySchema,
  ownerId: UlidSchema,
  createdAt: TimestampSchema,
  expiresAt: TimestampSchema.nullable(),
  memberCount: z.number().int(),
  lastMessageAt: TimestampSchema.nullable(),
  /** Seconds a member waits between messages (0: slow mode off). */
  slowModeS: z.number().int().min(0),
  /** An event room past its end: read-only, gone from the map, purged later. */
  ended: z.boolean(),
}).meta({
  id: "RoomView",
  description:
    "A room as clients see it; only proximity rooms have a place (null for conversations)",
  example: ROOM_EXAMPLE,
});
export type RoomView = z.infer<typeof RoomViewSchema>;

/** A room in a nearby search, with its distance from the searcher. */
export const NearbyRoomViewSchema = RoomViewSchema.extend({
  kind: z.literal("proximity"),
  lat: z.number(),
  lng: z.number(),
  radiusM: z.number(),
  readRadiusM: z.number(),
  /** Metres from the searched point to the room's public centre. */
  distanceM: z.number().int(),
  /** Whether the searched point is inside the read and the post radius. */
  inside: z.object({ read: z.boolean(), post: z.boolean() }),
}).meta({
  id: "NearbyRoomView",
  description:
    "A room in a nearby search, with its distance from the searched point",
  example: {
    ...ROOM_EXAMPLE,
    distanceM: 140,
    inside: { read: true, post: true },
  },
});
export type NearbyRoomView = z.infer<typeof NearbyRoomViewSchema>;

/** A venue check-in: the code the room's screen shows, instead of a fix. */
export const CheckInSchema = z.object({
  code: z.string().trim().regex(/^[A-Za-z0-9]{8}$/, "8 letters or digits"),
});

/** A position fix reported by a device; accuracy is the 68% radius in metres. */
export const FixSchema = z.object({
  lat: LatSchema,
  lng: LngSchema,
  accuracy: z.number().min(0).max(100_000),
}).meta({
  description:
    "A position fix from the device: checked against the room's radius, never stored",
  example: { lat: 51.5366, lng: -0.1031, accuracy: 12 },
});
export type Fix = z.infer<typeof FixSchema>;

/** A client-chosen id that makes a send idempotent. */
export const ClientIdSchema = z.string().regex(
  /^[A-Za-z0-9_-]{1,64}$/,
  "1–64 of A-Z a-z 0-9 _ -",
);

/** Longest message text in characters. */
export const MESSAGE_MAX_CHARS = 4000;

/** Message text: trimmed, 1–4,000 characters. */
export const MessageTextSchema = z.string().trim().min(1).max(
  MESSAGE_MAX_CHARS,
);

/** The kinds of message; announcements may be posted only by a room's owner or admins. */
export const MessageCategorySchema = z.enum([
  "social",
  "networking",
  "announcement",
]);
export type MessageCategory = z.infer<typeof MessageCategorySchema>;

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/** Whether a string is exactly one emoji grapheme (ZWJ sequences, flags and keycaps included). */
export function isSingleEmoji(s: string): boolean {
  if (s.length === 0 || s.length > 32 || !EMOJI.test(s)) return false;
  let n = 0;
  for (const _ of graphemes.segment(s)) if (++n > 1) return false;
  return n === 1;
}

/** A reaction: any single emoji grapheme. */
export const EmojiSchema = z.string().refine(
  isSingleEmoji,
  "must be one emoji",
);

/** Body of POST /rooms/:id/messages. */
export const SendMessageInputSchema = z.object({
  text: MessageTextSchema,
  clientId: ClientIdSchema,
  /** The seq of the message this replies to; a reply to a reply joins the same thread. */
  threadRoot: z.number().int().min(1).optional(),
  category: MessageCategorySchema.default("social"),
}).meta({
  example: { text: "Anyone saving a table by the window?", clientId: "c-7f3a" },
});
export type SendMessageInput = z.infer<typeof SendMessageInputSchema>;

/** Body of PATCH /rooms/:id/messages/:seq. */
export const EditMessageInputSchema = z.object({ text: MessageTextSchema })
  .meta({ example: { text: "Anyone saving a table by the window? 2 of us" } });

/** Body of POST /rooms/:id/messages/:seq/reactions: set (on) or clear one emoji. */
export const ReactionInputSchema = z.object({
  emoji: EmojiSchema,
  on: z.boolean(),
}).meta({ example: { emoji: "👍", on: true } });
export type ReactionInput = z.infer<typeof ReactionInputSchema>;

/** The author of a message, as stored with it. */
export const AuthorViewSchema = z.object({
  id: UlidSchema,
  handle: z.string(),
  displayName: z.string(),
  /** Posted as a guest of an embedded room: shown with a "guest" badge. */
  guest: z.literal(true).optional(),
}).meta({
  id: "AuthorView",
  description: "A person as a message, preview or notification names them",
});
export type AuthorView = z.infer<typeof AuthorViewSchema>;

/** One emoji's reactions on a message: the count and up to 25 of the reactors' ids. */
export const ReactionSummarySchema = z.object({
  emoji: z.string(),
  count: z.number().int().min(1),
  by: z.array(UlidSchema),
}).meta({
  id: "ReactionSummary",
  description:
    "One emoji's reactions on a message: the exact count and up to 25 of the reactors' ids",
});
export type ReactionSummary = z.infer<typeof ReactionSummarySchema>;

/**
 * A chat message as it is now; seq is its place in the room's order. A deleted message keeps
 * its place as a tombstone with empty text.
 */
export const MessageViewSchema = z.object({
  id: UlidSchema,
  roomId: UlidSchema,
  seq: z.number().int().min(1),
  author: AuthorViewSchema,
  text: z.string(),
  clientId: z.string(),
  createdAt: TimestampSchema,
  category: MessageCategorySchema,
  /** The seq of the thread's root when this is a reply, else null. */
  threadRoot: z.number().int().nullable(),
  replyCount: z.number().int().min(0),
  lastReplyAt: TimestampSchema.nullable(),
  editedAt: TimestampSchema.nullable(),
  deleted: z.boolean(),
  pinned: z.boolean(),
  reactions: z.array(ReactionSummarySchema),
  /** Ids of the members this message mentions by @handle. */
  mentions: z.array(UlidSchema),
}).meta({
  id: "MessageView",
  description:
    "A chat message as it is now; seq is its place in the room's order. A deleted message keeps its place as a tombstone with empty text.",
  example: {
    id: "01JA2C0M8N6B4V2C0X8Z6M4K2J",
    roomId: ROOM_EXAMPLE.id,
    seq: 42,
    author: {
      id: "01JA2B3C4D5E6F7G8H9JKMNPQR",
      handle: "ada",
      displayName: "Ada Lovelace",
    },
    text: "Anyone saving a table by the window? @bo",
    clientId: "c-7f3a",
    createdAt: "2026-01-03T10:41:07.000Z",
    category: "social",
    threadRoot: null,
    replyCount: 2,
    lastReplyAt: "2026-01-03T10:43:30.000Z",
    editedAt: null,
    deleted: false,
    pinned: false,
    reactions: [{
      emoji: "👍",
      count: 3,
      by: ["01JA2B9D1F3H5K7M9P1R3T5V7X"],
    }],
    mentions: ["01JA2B9D1F3H5K7M9P1R3T5V7X"],
  },
});
export type MessageView = z.infer<typeof MessageViewSchema>;

/** A room's position in its event log: the last seq and the log's epoch. */
export const RoomHeadViewSchema = z.object({
  seq: z.number().int().min(0),
  epoch: z.string(),
}).meta({
  id: "RoomHead",
  description:
    "A room's position in its event log: subscribe with `after: seq` and this `epoch` to continue live",
});
export type RoomHeadView = z.infer<typeof RoomHeadViewSchema>;

/** A personal notification: someone mentioned you in a room. */
export const NotificationViewSchema = z.object({
  seq: z.number().int().min(1),
  kind: z.literal("mention"),
  roomId: UlidSchema,
  messageSeq: z.number().int().min(1),
  from: AuthorViewSchema,
  /** The start of the message as it is now (empty once the message is deleted). */
  excerpt: z.string(),
  at: TimestampSchema,
  read: z.boolean(),
}).meta({
  id: "NotificationView",
  description: "A personal notification: someone mentioned you in a room",
});
export type NotificationView = z.infer<typeof NotificationViewSchema>;

/** A user's presence as others see it. */
export const PresenceStatusSchema = z.enum([
  "online",
  "away",
  "dnd",
  "offline",
]);
export type PresenceStatus = z.infer<typeof PresenceStatusSchema>;

/** One person's presence in a room. */
export const PresenceViewSchema = z.object({
  userId: UlidSchema,
  status: PresenceStatusSchema,
  /** When the person was last connected, for offline people; null when unknown. */
  lastSeenAt: TimestampSchema.nullable(),
}).meta({ id: "PresenceView", description: "One person's presence in a room" });
export type PresenceView = z.infer<typeof PresenceViewSchema>;

/** A user's own preferences. */
export const UserPrefsSchema = z.object({
  /** When true, nobody sees this user's read receipts (their unread counts still work). */
  privateReading: z.boolean(),
});
export type UserPrefs = z.infer<typeof UserPrefsSchema>;

/** A page of items with the cursor for the next page, or null at the end. */
export type Page<T> = { items: T[]; cursor: string | null };
