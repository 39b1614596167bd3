import * as z from "zod";
import {
  ClientIdSchema,
  MessageTextSchema,
  MessageViewSchema,
  UlidSchema,
  UserViewSchema,
} from "./schemas.ts";

/** Largest inbound WebSocket frame in bytes; a 4,000-character message fits with room. */
export const MAX_INBOUND_FRAME_BYTES = 32 * 1024;

/** Rooms one connection may subscribe to at once. */
export const MAX_SUBSCRIPTIONS = 50;

/** Frames a client sends, discriminated on `type`. */
export const ClientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auth"), token: z.string().min(1).max(200) }),
  z.object({
    type: z.literal("subscribe"),
    room: UlidSchema,
    after: z.number().int().min(0).optional(),
  }),
  z.object({ type: z.literal("unsubscribe"), room: UlidSchema }),
  z.object({
    type: z.literal("message.send"),
    room: UlidSchema,
    text: MessageTextSchema,
    clientId: ClientIdSchema,
  }),
  z.object({ type: z.literal("ping"), id: z.string().max(64).optional() }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

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
    seq: z.number().int(),
  }),
  z.object({ type: z.literal("unsubscribed"), room: UlidSchema }),
  z.object({
    type: z.literal("message.new"),
    room: UlidSchema,
    message: MessageViewSchema,
  }),
  z.object({
    type: z.literal("message.ack"),
    clientId: z.string(),
    message: MessageViewSchema,
  }),
  z.object({ type: z.literal("pong"), id: z.string().optional() }),
  z.object({
    type: z.literal("error"),
    code: z.string(),
    message: z.string(),
    room: z.string().optional(),
    clientId: z.string().optional(),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
