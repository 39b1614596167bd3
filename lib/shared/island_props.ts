import * as z from "zod";
import {
  MessageViewSchema,
  RoomCategorySchema,
  RoomHeadViewSchema,
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
