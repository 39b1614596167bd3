import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppEnv } from "../../lib/http/env.ts";
import { validationHook } from "../../lib/http/errors.ts";
import {
  errorResponses,
  jsonResponse,
  SESSION_SECURITY,
} from "../../lib/http/openapi.ts";
import { requireUser } from "../../lib/http/session.ts";
import {
  InboxFilterSchema,
  InboxItemSchema,
  InboxPageSchema,
  UnreadTotalSchema,
} from "../../lib/shared/inbox_schemas.ts";
import { UlidSchema } from "../../lib/shared/schemas.ts";

const RoomParams = z.object({ id: UlidSchema });
const auth = { tags: ["inbox"], security: SESSION_SECURITY };
const done = { 204: { description: "Done" } };

const list = createRoute({
  ...auth,
  method: "get",
  path: "/inbox",
  summary:
    "My rooms and conversations, most recent first, with unread counts and the last message; `filter=conversations` keeps direct and group ones",
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(30),
      cursor: z.string().max(64).optional(),
      filter: InboxFilterSchema.default("all"),
    }),
  },
  responses: {
    200: jsonResponse(InboxPageSchema, "A page of the inbox"),
    ...errorResponses(400, 401),
  },
});

const unread = createRoute({
  ...auth,
  method: "get",
  path: "/inbox/unread",
  summary:
    "My total unread count (message requests and deleted conversations aside)",
  responses: {
    200: jsonResponse(UnreadTotalSchema, "Totals"),
    ...errorResponses(401),
  },
});

const item = createRoute({
  ...auth,
  method: "get",
  path: "/inbox/{id}",
  summary: "One of my conversations as the inbox shows it",
  request: { params: RoomParams },
  responses: {
    200: jsonResponse(InboxItemSchema, "The conversation"),
    ...errorResponses(400, 401, 404),
  },
});

const markRead = createRoute({
  ...auth,
  method: "post",
  path: "/inbox/{id}/read",
  summary: "Mark one conversation read",
  request: { params: RoomParams },
  responses: { ...done, ...errorResponses(400, 401, 403, 404, 429) },
});

const markAll = createRoute({
  ...auth,
  method: "post",
  path: "/inbox/read-all",
  summary: "Mark every room and conversation read",
  responses: {
    200: jsonResponse(
      z.object({ marked: z.number().int().min(0) }),
      "How many moved",
    ),
    ...errorResponses(401, 403, 429),
  },
});

const hide = createRoute({
  ...auth,
  method: "delete",
  path: "/inbox/{id}",
  summary:
    "Delete a conversation for me: it leaves my inbox until a new message arrives; the other side keeps it",
  request: { params: RoomParams },
  responses: { ...done, ...errorResponses(400, 401, 403, 404, 429) },
});

/** The inbox: my rooms and conversations with unread counts. */
export const inboxRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(
    unread,
    async (c) => c.json(await c.var.services.inbox.unread(requireUser(c)), 200),
  )
  .openapi(markAll, async (c) => {
    const marked = await c.var.services.inbox.markAllRead(requireUser(c));
    return c.json({ marked }, 200);
  })
  .openapi(list, async (c) =>
    c.json(
      await c.var.services.inbox.list(requireUser(c), c.req.valid("query")),
      200,
    ))
  .openapi(item, async (c) =>
    c.json(
      await c.var.services.inbox.item(requireUser(c), c.req.valid("param").id),
      200,
    ))
  .openapi(markRead, async (c) => {
    await c.var.services.inbox.markRead(
      requireUser(c),
      c.req.valid("param").id,
    );
    return c.body(null, 204);
  })
  .openapi(hide, async (c) => {
    await c.var.services.inbox.hide(requireUser(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
