import * as z from "zod";
import {
  AuthorViewSchema,
  MessageViewSchema,
  RoomCategorySchema,
  RoomHeadViewSchema,
  RoomKindSchema,
  UlidSchema,
} from "./schemas.ts";
import { VisibilityViewSchema } from "./people_schemas.ts";

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
  /** Seconds a member waits between messages (0 or absent: slow mode off). */
  slowModeS: z.number().int().min(0).optional(),
  /** Until when the viewer is muted here, if they are. */
  mutedUntil: z.string().nullable().optional(),
  /** Whether the raid shield holds the viewer read-only until an admin lets them in. */
  held: z.boolean().optional(),
  /**
   * Why the viewer only reads: "peek", a non-member inside the read radius; "ended", an
   * event room past its end. Absent: the viewer may post.
   */
  readOnly: z.enum(["peek", "ended"]).optional(),
});
export type ChatProps = z.infer<typeof ChatPropsSchema>;

/** Props of the NearbyRooms island: the search radius to start with. */
export const NearbyRoomsPropsSchema = z.object({
  radiusM: z.number().int().min(1).max(50_000),
  /** The map's tile URL template; null or absent: a map without tiles. */
  tileUrl: z.string().nullable().optional(),
});
export type NearbyRoomsProps = z.infer<typeof NearbyRoomsPropsSchema>;

/** Props of the JoinRoom island: the room a non-member may join. */
export const JoinRoomPropsSchema = z.object({
  roomId: UlidSchema,
  roomName: z.string(),
  radiusM: z.number(),
  category: RoomCategorySchema,
  /** The read radius: inside it (and outside radiusM) one may peek. */
  readRadiusM: z.number().nullable().optional(),
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

/** Props of the Moderation island (/moderation): the site moderator and their site role. */
export const ModerationPropsSchema = z.object({
  me: IslandUserSchema,
  siteRole: z.enum(["admin", "moderator"]),
});
export type ModerationProps = z.infer<typeof ModerationPropsSchema>;

/** Props of the CheckInScreen island: the room, its address and the code it starts with. */
export const CheckInScreenPropsSchema = z.object({
  roomId: UlidSchema,
  roomName: z.string(),
  /** The room page's full URL, for visitors to open. */
  roomUrl: z.string(),
  code: z.string(),
  /** When the code changes (ISO time). */
  rotatesAt: z.string(),
});
export type CheckInScreenProps = z.infer<typeof CheckInScreenPropsSchema>;

/** Props of the PeopleNearby island (/people): the viewer, their visibility and the map's tiles. */
export const PeopleNearbyPropsSchema = z.object({
  me: IslandUserSchema,
  visibility: VisibilityViewSchema.nullable(),
  tileUrl: z.string().nullable(),
});
export type PeopleNearbyProps = z.infer<typeof PeopleNearbyPropsSchema>;

/** The Embed island's props live with the rest of embedding. */
export { EmbedPropsSchema } from "./embed_schemas.ts";
