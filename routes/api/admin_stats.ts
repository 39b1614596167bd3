import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/http/env.ts";
import { validationHook } from "../../lib/http/errors.ts";
import {
  errorResponses,
  jsonResponse,
  SESSION_SECURITY,
} from "../../lib/http/openapi.ts";
import { noStore, requireUser } from "../../lib/http/session.ts";
import {
  AdminStatsQuerySchema,
  AdminStatsSchema,
} from "../../lib/shared/admin_schemas.ts";

const stats = createRoute({
  tags: ["admin"],
  security: SESSION_SECURITY,
  method: "get",
  path: "/admin/stats",
  summary:
    "Analytics by UTC day (site admins and moderators): rooms created by kind, messages, daily active users, joins by category, and the 10 busiest rooms. `from`/`to` are YYYY-MM-DD, both included; the default is the last 30 days, at most 366",
  request: { query: AdminStatsQuerySchema },
  responses: {
    200: jsonResponse(
      AdminStatsSchema,
      'Every day of the range, oldest first, zeros included; direct conversations are named only "Direct message"',
    ),
    ...errorResponses(400, 401, 403),
  },
});

/** GET /admin/stats: the analytics counters, read by day range. */
export const adminStatsRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
}).openapi(stats, async (c) => {
  const user = requireUser(c);
  noStore(c);
  const report = await c.var.services.stats.report(user, c.req.valid("query"));
  return c.json(report, 200);
});
