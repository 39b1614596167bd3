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
import {
  NotificationViewSchema,
  UserPrefsSchema,
} from "../../lib/shared/schemas.ts";

const auth = { tags: ["me"], security: SESSION_SECURITY };

const list = createRoute({
  ...auth,
  method: "get",
  path: "/notifications",
  summary: "My notifications, newest first, with the unread count",
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(50),
      before: z.coerce.number().int().min(1).optional(),
      unread: z.enum(["true", "false"]).optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(NotificationViewSchema),
        cursor: z.string().nullable(),
        unread: z.number().int(),
        head: z.number().int(),
      }),
      "Notifications; pass cursor as `before` for older ones. `unread` counts every notification up to `head`, the stream seq it reflects: count notification.new frames above it on top",
    ),
    ...errorResponses(400, 401),
  },
});

const markRead = createRoute({
  ...auth,
  method: "post",
  path: "/notifications/read",
  summary: "Mark my notifications read up to a seq",
  request: {
    body: jsonBody(z.object({ upto: z.number().int().min(0) })),
  },
  responses: {
    204: { description: "Marked" },
    ...errorResponses(400, 401, 403, 413, 415),
  },
});

const getPrefs = createRoute({
  ...auth,
  method: "get",
  path: "/me/prefs",
  summary: "My preferences",
  responses: {
    200: jsonResponse(UserPrefsSchema, "Preferences"),
    ...errorResponses(401),
  },
});

const putPrefs = createRoute({
  ...auth,
  method: "put",
  path: "/me/prefs",
  summary:
    "Replace my preferences (privateReading: nobody sees my read receipts)",
  request: { body: jsonBody(UserPrefsSchema) },
  responses: {
    200: jsonResponse(UserPrefsSchema, "Saved"),
    ...errorResponses(400, 401, 403, 413, 415),
  },
});

/** /api/v1/notifications and /api/v1/me/prefs. */
export const meRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(list, async (c) => {
    const q = c.req.valid("query");
    const page = await c.var.services.notifications.listNotifications(
      requireUser(c),
      { limit: q.limit, before: q.before, unread: q.unread === "true" },
    );
    return c.json(page, 200);
  })
  .openapi(markRead, async (c) => {
    await c.var.services.notifications.markRead(
      requireUser(c),
      c.req.valid("json").upto,
    );
    return c.body(null, 204);
  })
  .openapi(getPrefs, async (c) => {
    return c.json(await c.var.services.receipts.getPrefs(requireUser(c)), 200);
  })
  .openapi(putPrefs, async (c) => {
    const saved = await c.var.services.receipts.setPrefs(
      requireUser(c),
      c.req.valid("json"),
    );
    return c.json(saved, 200);
  });
