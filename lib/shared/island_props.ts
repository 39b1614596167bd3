import * as z from "zod";
import {
  MessageViewSchema,
  RoomCategorySchema,
  UlidSchema,
} from "./schemas.ts";

/** How many messages a room page renders on the server before the socket takes over. */
export const CHAT_HISTORY_LIMIT = 50;

/** Radii, in metres, the nearby search offers. */
export const NEARBY_RADII_M = [500, 1000, 5000, 20000, 50000] as const;

/** The signed-in user as an island needs it. */
export const IslandUserSchema = z.object({
  id: UlidSchema,
  displayName: z.string(),
});
export type IslandUser = z.infer<typeof IslandUserSchema>;

/** Props of the Chat island: the room, the viewer and the server-rendered history. */
export const ChatPropsSchema = z.object({
  roomId: UlidSchema,
  me: IslandUserSchema,
  history: z.array(MessageViewSchema).max(200),
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
