import * as z from "zod";
import {
  AuthorViewSchema,
  HandleSchema,
  RoomKindSchema,
  TimestampSchema,
  UlidSchema,
} from "./schemas.ts";

/** Characters of the last message an inbox item shows. */
export const PREVIEW_CHARS = 140;

/** The newest message of a conversation, as the inbox shows it. */
export const InboxPreviewSchema = z.object({
  seq: z.number().int().min(1),
  author: AuthorViewSchema,
  /** The start of the message's text (empty when deleted); raw text, never HTML. */
  text: z.string(),
  deleted: z.boolean(),
}).meta({
  id: "InboxPreview",
  description: "The newest message of a conversation, as the inbox shows it",
});
export type InboxPreview = z.infer<typeof InboxPreviewSchema>;

/** One room or conversation of mine, as my inbox lists it. */
export const InboxItemSchema = z.object({
  roomId: UlidSchema,
  kind: RoomKindSchema,
  /** The room's or group's name; for a direct conversation, the other person's name. */
  title: z.string(),
  /** A direct conversation's other person. */
  peer: AuthorViewSchema.nullable(),
  role: z.enum(["owner", "admin", "member"]),
  memberCount: z.number().int().min(0),
  /** Messages after my read mark, other people's only (my own mark moves when I send). */
  unread: z.number().int().min(0),
  /** The room log's seq the counts reflect: activity frames above it add to them. */
  seq: z.number().int().min(0),
  lastMessageAt: TimestampSchema.nullable(),
  /** What orders the inbox: the last message, or when I joined. */
  activityAt: TimestampSchema,
  preview: InboxPreviewSchema.nullable(),
  /** A direct message request: one I received (answer it) or one I sent (waiting). */
  request: z.enum(["incoming", "outgoing"]).nullable(),
}).meta({
  id: "InboxItem",
  description: "One room or conversation of mine, as my inbox lists it",
  example: {
    roomId: "01JA2D4F6H8K0M2P4R6T8V0X2Z",
    kind: "direct",
    title: "Bo Chen",
    peer: {
      id: "01JA2B9D1F3H5K7M9P1R3T5V7X",
      handle: "bo",
      displayName: "Bo Chen",
    },
    role: "member",
    memberCount: 2,
    unread: 3,
    seq: 57,
    lastMessageAt: "2026-01-03T10:44:12.000Z",
    activityAt: "2026-01-03T10:44:12.000Z",
    preview: {
      seq: 57,
      author: {
        id: "01JA2B9D1F3H5K7M9P1R3T5V7X",
        handle: "bo",
        displayName: "Bo Chen",
      },
      text: "See you at 8?",
      deleted: false,
    },
    request: null,
  },
});
export type InboxItem = z.infer<typeof InboxItemSchema>;

/** A page of my inbox, most recent first. */
export const InboxPageSchema = z.object({
  items: z.array(InboxItemSchema),
  cursor: z.string().nullable(),
}).meta({
  id: "InboxPage",
  description: "A page of my inbox, most recent first",
});
export type InboxPage = z.infer<typeof InboxPageSchema>;

/** Filter of GET /inbox: every room, or conversations (direct and group) only. */
export const InboxFilterSchema = z.enum(["all", "conversations"]);

/** My total unread count: requests and deleted conversations do not count. */
export const UnreadTotalSchema = z.object({
  total: z.number().int().min(0),
  /** Conversations (rooms too) with anything unread. */
  rooms: z.number().int().min(0),
  /** Message requests waiting for my answer. */
  requests: z.number().int().min(0),
}).meta({
  id: "UnreadTotal",
  description:
    "My total unread count: requests and deleted conversations do not count",
  example: { total: 5, rooms: 2, requests: 1 },
});
export type UnreadTotal = z.infer<typeof UnreadTotalSchema>;

/** Body of POST /direct: whom to message. */
export const StartDirectSchema = z.object({ handle: HandleSchema });

/** Body of POST /groups. */
export const CreateGroupSchema = z.object({
  name: z.string().trim().min(1).max(80),
  description: z.string().trim().max(500).default(""),
});
export type CreateGroup = z.infer<typeof CreateGroupSchema>;

/** Body of POST /rooms/:id/members: whom to add to a group. */
export const InviteSchema = z.object({ handle: HandleSchema });

/** Body of PATCH /rooms/:id/members/:userId. */
export const SetRoleSchema = z.object({
  role: z.enum(["owner", "admin", "member"]),
});

/** Body of POST /me/blocks. */
export const BlockSchema = z.object({ handle: HandleSchema });

/** Someone I blocked, as my block list shows them. */
export const BlockedUserSchema = z.object({
  id: UlidSchema,
  handle: z.string(),
  displayName: z.string(),
  blockedAt: TimestampSchema,
}).meta({
  id: "BlockedUser",
  description: "Someone I blocked, as my block list shows them",
});
export type BlockedUser = z.infer<typeof BlockedUserSchema>;
