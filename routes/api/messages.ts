import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppEnv } from "../../lib/http/env.ts";
import { validationHook } from "../../lib/http/errors.ts";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  SESSION_SECURITY,
} from "../../lib/http/openapi.ts";
import { requireUser } from "../../lib/http/session.ts";
import { MESSAGE_PAGE_MAX } from "../../lib/db/messages.ts";
import {
  MessageViewSchema,
  SendMessageInputSchema,
  UlidSchema,
} from "../../lib/shared/schemas.ts";

const RoomParams = z.object({ id: UlidSchema });
const Seq = z.coerce.number().int().min(0);
const HistoryQuery = z.object({
  after: Seq.optional(),
  before: Seq.optional(),
  limit: z.coerce.number().int().min(1).max(MESSAGE_PAGE_MAX).default(50),
}).refine((q) => q.after === undefined || q.before === undefined, {
  message: "Give after or before, not both",
});
const auth = { tags: ["messages"], security: SESSION_SECURITY };

const list = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/messages",
  summary:
    "A page of history in ascending seq: after a seq (forward) or before one (backward)",
  request: { params: RoomParams, query: HistoryQuery },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(MessageViewSchema),
        cursor: z.string().nullable(),
      }),
      "Messages; pass cursor as `after` (forward) or `before` (backward) for the next page",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

const send = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/messages",
  summary:
    "Send a message; a repeated clientId returns the original message with 200",
  request: { params: RoomParams, body: jsonBody(SendMessageInputSchema) },
  responses: {
    201: jsonResponse(MessageViewSchema, "Sent"),
    200: jsonResponse(MessageViewSchema, "Already sent with this clientId"),
    ...errorResponses(400, 401, 403, 404, 413, 415, 429),
  },
});

/** /api/v1/rooms/:id/messages: history and send. */
export const messageRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(list, async (c) => {
    const page = await c.var.services.chat.listMessages(
      requireUser(c),
      c.req.valid("param").id,
      c.req.valid("query"),
    );
    return c.json(page, 200);
  })
  .openapi(send, async (c) => {
    const { text, clientId } = c.req.valid("json");
    const { message, created } = await c.var.services.chat.sendMessage(
      requireUser(c),
      c.req.valid("param").id,
      text,
      clientId,
    );
    return created ? c.json(message, 201) : c.json(message, 200);
  });
