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
import { noStore, requireUser } from "../../lib/http/session.ts";
import {
  AuditEntryViewSchema,
  AuditQuerySchema,
  CloseReportInputSchema,
  ModerationReportViewSchema,
  MyReportViewSchema,
  ReportMessageInputSchema,
  ReportQueueQuerySchema,
  ReportUserInputSchema,
} from "../../lib/shared/moderation_schemas.ts";
import { UlidSchema } from "../../lib/shared/schemas.ts";

const IdParams = z.object({ id: UlidSchema });
const auth = { tags: ["moderation"], security: SESSION_SECURITY };
const REPORT_ERRORS = errorResponses(400, 401, 403, 404, 413, 415, 422, 429);
const filed = {
  201: jsonResponse(MyReportViewSchema, "Reported"),
  200: jsonResponse(MyReportViewSchema, "Your open report of this, unchanged"),
};
const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), cursor: UlidSchema.nullable() });

const reportMessage = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/messages/{seq}/report",
  summary:
    "Report a message of a room you are in; a repeat answers your open report with 200",
  request: {
    params: IdParams.extend({ seq: z.coerce.number().int().min(1) }),
    body: jsonBody(ReportMessageInputSchema),
  },
  responses: { ...filed, ...REPORT_ERRORS },
});

const reportUser = createRoute({
  ...auth,
  method: "post",
  path: "/users/{id}/report",
  summary:
    "Report a user (not yourself), optionally naming a room you are in; a repeat answers your open report with 200",
  request: { params: IdParams, body: jsonBody(ReportUserInputSchema) },
  responses: { ...filed, ...REPORT_ERRORS },
});

const queue = createRoute({
  ...auth,
  method: "get",
  path: "/moderation/reports",
  summary:
    "The moderation queue, newest first: site moderators see every report, a room's owners and admins that room's (`room` required)",
  request: { query: ReportQueueQuerySchema },
  responses: {
    200: jsonResponse(
      pageOf(ModerationReportViewSchema),
      "Reports; pass cursor back for the next page",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

const close = (verb: "resolve" | "dismiss") =>
  createRoute({
    ...auth,
    method: "post",
    path: `/moderation/reports/{id}/${verb}`,
    summary: verb === "resolve"
      ? "Mark a report resolved (once), with an optional note; it deletes nothing itself"
      : "Dismiss a report (once), with an optional note",
    request: {
      params: IdParams,
      body: { ...jsonBody(CloseReportInputSchema), required: false },
    },
    responses: {
      200: jsonResponse(ModerationReportViewSchema, "Closed"),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415),
    },
  });

const audit = createRoute({
  ...auth,
  method: "get",
  path: "/moderation/audit",
  summary:
    "The audit log of moderation and admin actions, newest first (site admins and moderators)",
  request: { query: AuditQuerySchema },
  responses: {
    200: jsonResponse(
      pageOf(AuditEntryViewSchema),
      "Entries; pass cursor back for the next page",
    ),
    ...errorResponses(400, 401, 403),
  },
});

/** Reporting messages and users, the moderation queue and the audit log. */
export const moderationRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(reportMessage, async (c) => {
    const { id, seq } = c.req.valid("param");
    const { report, created } = await c.var.services.reports.reportMessage(
      requireUser(c),
      id,
      seq,
      c.req.valid("json"),
    );
    return created ? c.json(report, 201) : c.json(report, 200);
  })
  .openapi(reportUser, async (c) => {
    const { report, created } = await c.var.services.reports.reportUser(
      requireUser(c),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return created ? c.json(report, 201) : c.json(report, 200);
  })
  .openapi(queue, async (c) => {
    const user = requireUser(c);
    noStore(c);
    const page = await c.var.services.reports.listQueue(
      user,
      c.req.valid("query"),
    );
    return c.json(page, 200);
  })
  .openapi(close("resolve"), async (c) => {
    const { resolve } = c.var.services.reports;
    const note = c.req.valid("json").note;
    const id = c.req.valid("param").id;
    return c.json(await resolve(requireUser(c), id, note), 200);
  })
  .openapi(close("dismiss"), async (c) => {
    const { dismiss } = c.var.services.reports;
    const note = c.req.valid("json").note;
    const id = c.req.valid("param").id;
    return c.json(await dismiss(requireUser(c), id, note), 200);
  })
  .openapi(audit, async (c) => {
    const user = requireUser(c);
    noStore(c);
    const { limit, cursor } = c.req.valid("query");
    const page = await c.var.services.reports.listAudit(user, limit, cursor);
    return c.json(page, 200);
  });
