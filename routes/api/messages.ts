import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppEnv } from "../../lib/http/env.ts";
import { validationHook } from "../../lib/http/errors.ts";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  QueryNumber,
  SESSION_SECURITY,
} from "../../lib/http/openapi.ts";
import { requireUser } from "../../lib/http/session.ts";
import { MESSAGE_PAGE_MAX } from "../../lib/db/messages.ts";
import {
  MessageCategorySchema,
  MessageViewSchema,
  RoomHeadViewSchema,
  SendMessageInputSchema,
  UlidSchema,
} from "../../lib/shared/schemas.ts";

const RoomParams = z.object({ id: UlidSchema });
const Seq = QueryNumber.pipe(z.number().int().min(0));
const MessageSeq = z.coerce.number().int().min(1);
const HistoryQuery = z.object({
  after: Seq.optional(),
  before: Seq.optional(),
  limit: z.coerce.number().int().min(1).max(MESSAGE_PAGE_MAX).default(50),
  category: MessageCategorySchema.optional(),
}).refine((q) => q.after === undefined || q.before === undefined, {
  message: "Give after or before, not both",
});
const auth = { tags: ["messages"], security: SESSION_SECURITY };

const list = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/messages",
  summary:
    "A page of history in ascending seq (optionally one category), with the log head it reflects",
  request: { params: RoomParams, query: HistoryQuery },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(MessageViewSchema),
        cursor: z.string().nullable(),
        head: RoomHeadViewSchema,
      }),
      "Messages; pass cursor as `after` (forward) or `before` (backward) for the next page. Subscribe with after = head.seq and epoch = head.epoch to follow on from this snapshot",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

const send = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/messages",
  summary:
    "Send a message (a reply with threadRoot); a repeated clientId returns the original with 200",
  request: { params: RoomParams, body: jsonBody(SendMessageInputSchema) },
  responses: {
    201: jsonResponse(MessageViewSchema, "Sent"),
    200: jsonResponse(MessageViewSchema, "Already sent with this clientId"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429),
  },
});

const thread = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/messages/{seq}/thread",
  summary: "A thread: its root and a page of replies in ascending seq",
  request: {
    params: RoomParams.extend({ seq: MessageSeq }),
    query: z.object({
      after: Seq.optional(),
      limit: z.coerce.number().int().min(1).max(MESSAGE_PAGE_MAX).default(
        100,
      ),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        root: MessageViewSchema,
        items: z.array(MessageViewSchema),
        cursor: z.string().nullable(),
      }),
      "The thread; pass cursor as `after` for more replies",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

/** /api/v1/rooms/:id/messages: history, send, and threads. */
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
    const { message, created } = await c.var.services.chat.sendMessage(
      requireUser(c),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return created ? c.json(message, 201) : c.json(message, 200);
  })
  .openapi(thread, async (c) => {
    const { id, seq } = c.req.valid("param");
    const page = await c.var.services.chat.listThread(
      requireUser(c),
      id,
      seq,
      c.req.valid("query"),
    );
    return c.json(page, 200);
  });
