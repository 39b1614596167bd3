import * as z from "zod";
import {
  AuthorViewSchema,
  MessageViewSchema,
  RoomCategorySchema,
  RoomHeadViewSchema,
  RoomKindSchema,
  UlidSchema,
} from "./schemas.ts";

/** How many messages a room page renders on the server before the socket takes over. */
export const CHAT_HISTORY_LIMIT = 50;

/** Radii, in metres, the nearby search offers. */
export const NEARBY_RADII_M = [500, 1000, 5000, 20000, 50000] as const;

/** The signed-in user as an island needs it. */
export const IslandUserSchema = z.object({
  id: UlidSchema,
  handle: z.string(),
  displayName: z.string(),
});
export type IslandUser = z.infer<typeof IslandUserSchema>;

/** A member's role in a room: owners and admins moderate, members talk. */
export const RoomRoleSchema = z.enum(["owner", "admin", "member"]);
export type RoomRole = z.infer<typeof RoomRoleSchema>;

/** The first history page a room page renders: newest messages, the way back, the log head. */
export const HistoryPageSchema = z.object({
  items: z.array(MessageViewSchema).max(200),
  cursor: z.string().nullable(),
  head: RoomHeadViewSchema,
});
export type HistoryPage = z.infer<typeof HistoryPageSchema>;

/** Props of the Chat island: the room, the viewer and their role, and the first history page. */
export const ChatPropsSchema = z.object({
  roomId: UlidSchema,
  roomName: z.string(),
  ownerId: UlidSchema,
  memberCount: z.number().int().min(0),
  me: IslandUserSchema,
  role: RoomRoleSchema,
  history: HistoryPageSchema,
  /** The room's kind; absent means a proximity room. */
  kind: RoomKindSchema.optional(),
  /** A direct conversation's other person. */
  peer: AuthorViewSchema.nullable().optional(),
  /** A direct message request still open: one I received, or one I sent. */
  request: z.enum(["incoming", "outgoing"]).nullable().optional(),
  /** Ids of the people the viewer blocked: their messages are collapsed. */
  blocked: z.array(UlidSchema).max(1_000).optional(),
});
export type ChatProps = z.infer<typeof ChatPropsSchema>;

/** Props of the NearbyRooms island: the search radius to start with. */
export const NearbyRoomsPropsSchema = z.object({
  radiusM: z.number().int().min(1).max(50_000),
});
export type NearbyRoomsProps = z.infer<typeof NearbyRoomsPropsSchema>;

/** Props of the JoinRoom island: the room a non-member may join. */
export const JoinRoomPropsSchema = z.object({
  roomId: UlidSchema,
  roomName: z.string(),
  radiusM: z.number(),
  category: RoomCategorySchema,
});
export type JoinRoomProps = z.infer<typeof JoinRoomPropsSchema>;

/** Props of the Inbox island: the viewer, where it shows, and the room open beside it. */
export const InboxPropsSchema = z.object({
  me: IslandUserSchema,
  /** "page" is /inbox; "sidebar" is the column (or, on a phone, the link) beside a room. */
  variant: z.enum(["page", "sidebar"]),
  /** The room this page shows, highlighted and kept clear of its own unread badge. */
  currentRoomId: UlidSchema.nullable(),
});
export type InboxProps = z.infer<typeof InboxPropsSchema>;
