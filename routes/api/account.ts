import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { hashToken } from "../../lib/db/sessions.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { validationHook } from "../../lib/http/errors.ts";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  SESSION_SECURITY,
} from "../../lib/http/openapi.ts";
import {
  clearSessionCookie,
  noStore,
  requireUser,
} from "../../lib/http/session.ts";
import {
  ChangeDisplayNameSchema,
  ChangePasswordSchema,
  DeleteAccountSchema,
  MySessionViewSchema,
  SessionIdSchema,
} from "../../lib/shared/account_schemas.ts";
import { UserViewSchema } from "../../lib/shared/schemas.ts";

const auth = { tags: ["account"], security: SESSION_SECURITY };
const route = createRoute;

const rename = route({
  ...auth,
  method: "patch",
  path: "/me",
  summary: "Change my display name",
  request: { body: jsonBody(ChangeDisplayNameSchema) },
  responses: {
    200: jsonResponse(UserViewSchema, "Renamed"),
    ...errorResponses(400, 401, 403, 413, 415),
  },
});

const password = route({
  ...auth,
  method: "post",
  path: "/me/password",
  summary: "Change my password; every other session is signed out",
  request: { body: jsonBody(ChangePasswordSchema) },
  responses: {
    200: jsonResponse(
      z.object({ revokedSessions: z.number().int() }),
      "Changed",
    ),
    ...errorResponses(400, 401, 403, 413, 415, 429),
  },
});

const sessions = route({
  ...auth,
  method: "get",
  path: "/me/sessions",
  summary: "My sessions, newest first; `current` is this one",
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(MySessionViewSchema) }),
      "Sessions",
    ),
    ...errorResponses(401),
  },
});

const revokeOne = route({
  ...auth,
  method: "delete",
  path: "/me/sessions/{id}",
  summary: "Sign out one of my sessions",
  request: { params: z.object({ id: SessionIdSchema }) },
  responses: {
    204: { description: "Signed out" },
    ...errorResponses(400, 401, 403, 404, 413),
  },
});

const revokeOthers = route({
  ...auth,
  method: "post",
  path: "/me/sessions/revoke-others",
  summary: "Sign out every session but this one",
  responses: {
    200: jsonResponse(z.object({ revoked: z.number().int() }), "Signed out"),
    ...errorResponses(401, 403, 413),
  },
});

const exportData = route({
  ...auth,
  method: "get",
  path: "/me/export",
  summary: "Download my data (profile, memberships, messages, reactions, …)",
  responses: {
    200: jsonResponse(z.record(z.string(), z.unknown()), "My data"),
    ...errorResponses(401),
  },
});

const remove = route({
  ...auth,
  method: "post",
  path: "/me/delete",
  summary: "Delete my account (password required); signs out everywhere",
  request: { body: jsonBody(DeleteAccountSchema) },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses(400, 401, 403, 413, 415, 429),
  },
});

/** /api/v1/me (rename), /me/password, /me/sessions, /me/export and /me/delete. */
export const accountRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(rename, async (c) => {
    const { displayName } = c.req.valid("json");
    const s = c.var.services.accountSelf;
    return c.json(await s.changeDisplayName(requireUser(c), displayName), 200);
  })
  .openapi(password, async (c) => {
    const user = requireUser(c);
    const current = await hashToken(c.var.token!);
    const res = await c.var.services.accountSelf.changePassword(
      user,
      current,
      c.req.valid("json"),
    );
    return c.json(res, 200);
  })
  .openapi(sessions, async (c) => {
    const user = requireUser(c);
    noStore(c);
    const current = await hashToken(c.var.token!);
    const items = await c.var.services.accountSelf.listSessions(user, current);
    return c.json({ items }, 200);
  })
  .openapi(revokeOne, async (c) => {
    const user = requireUser(c);
    await c.var.services.accountSelf.revokeSession(
      user,
      c.req.valid("param").id,
    );
    return c.body(null, 204);
  })
  .openapi(revokeOthers, async (c) => {
    const user = requireUser(c);
    const current = await hashToken(c.var.token!);
    const revoked = await c.var.services.accountSelf.revokeOtherSessions(
      user,
      current,
    );
    return c.json({ revoked }, 200);
  })
  .openapi(exportData, async (c) => {
    const user = requireUser(c);
    noStore(c);
    const doc = await c.var.services.accountSelf.exportData(user);
    c.header(
      "Content-Disposition",
      `attachment; filename="vicinity-export-${user.handle}.json"`,
    );
    return c.json(doc as Record<string, unknown>, 200);
  })
  .openapi(remove, async (c) => {
    const user = requireUser(c);
    const { password } = c.req.valid("json");
    await c.var.services.accountSelf.deleteAccount(user, password);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
