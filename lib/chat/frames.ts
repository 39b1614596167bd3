import type { Message } from "../db/messages.ts";
import { toMessageView } from "../services/chat.ts";
import { AppError } from "../shared/errors.ts";
import {
  type ClientFrame,
  ClientFrameSchema,
  type ServerFrame,
} from "../shared/protocol.ts";
import { ClientIdSchema, UlidSchema } from "../shared/schemas.ts";

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
export type ErrorContext = { room?: string; clientId?: string };

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
  return ctx;
}

/** The error frame for an application error. */
export function errorFrame(err: AppError, ctx: ErrorContext): ServerFrame {
  return { type: "error", code: err.code, message: err.message, ...ctx };
}

const encoded = new WeakMap<Message, string>();

/** The `message.new` frame for a message, serialised once however many sockets get it. */
export function messageFrame(message: Message): string {
  let text = encoded.get(message);
  if (text === undefined) {
    const frame: ServerFrame = {
      type: "message.new",
      room: message.roomId,
      message: toMessageView(message),
    };
    text = JSON.stringify(frame);
    encoded.set(message, text);
  }
  return text;
}
