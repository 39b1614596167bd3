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
import { clientAddress, noStore, requireUser } from "../../lib/http/session.ts";
import { embedsOf } from "../../lib/services/embed.ts";
import {
  ClaimInputSchema,
  EMBED_HISTORY_LIMIT,
  EmbedAccessSchema,
  EmbedSettingsInputSchema,
  EmbedSettingsViewSchema,
  GuestSignUpInputSchema,
} from "../../lib/shared/embed_schemas.ts";
import {
  MessageViewSchema,
  RoomHeadViewSchema,
  UlidSchema,
  UserViewSchema,
} from "../../lib/shared/schemas.ts";

const RoomParams = z.object({ id: UlidSchema });
const auth = { tags: ["embed"], security: SESSION_SECURITY };

const getSettings = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/embed-origins",
  summary:
    "The sites allowed to embed the room, and its guest settings (admins)",
  request: { params: RoomParams },
  responses: {
    200: jsonResponse(EmbedSettingsViewSchema, "The settings"),
    ...errorResponses(400, 401, 403, 404),
  },
});

const putSettings = createRoute({
  ...auth,
  method: "put",
  path: "/rooms/{id}/embed-origins",
  summary:
    "Replace the sites allowed to embed the room (at most 20); flags left out are kept",
  request: { params: RoomParams, body: jsonBody(EmbedSettingsInputSchema) },
  responses: {
    200: jsonResponse(EmbedSettingsViewSchema, "The settings as stored"),
    ...errorResponses(400, 401, 403, 404, 413, 415, 429),
  },
});

const readNew = createRoute({
  tags: ["embed"],
  method: "get",
  path: "/rooms/{id}/embed-messages",
  summary:
    "An embedded room's messages after a seq, for readers who have not signed in (no session)",
  request: {
    params: RoomParams,
    query: z.object({
      after: QueryNumber.pipe(z.number().int().min(0)),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(MessageViewSchema), head: RoomHeadViewSchema }),
      "Up to 50 messages after `after`, and the log head",
    ),
    ...errorResponses(400, 404),
  },
});

const signUpGuest = createRoute({
  tags: ["embed"],
  method: "post",
  path: "/rooms/{id}/guests",
  summary:
    "Sign up as a guest of an embedded room that takes guests: a member at once, with a token",
  request: { params: RoomParams, body: jsonBody(GuestSignUpInputSchema) },
  responses: {
    201: jsonResponse(
      z.object({ user: UserViewSchema, token: z.string() }),
      "The guest and its session token (no cookie: use Authorization: Bearer)",
    ),
    ...errorResponses(400, 403, 404, 410, 413, 415, 429),
  },
});

const enter = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/embed-join",
  summary:
    "Enter an embedded room: guests (where allowed) and everyone on a venue screen become members; others read",
  request: { params: RoomParams },
  responses: {
    200: jsonResponse(EmbedAccessSchema, "What the caller may do now"),
    ...errorResponses(400, 401, 403, 404, 413, 429),
  },
});

const claim = createRoute({
  ...auth,
  method: "post",
  path: "/auth/claim",
  summary:
    "Register the signed-in guest: a handle and password, keeping its id and messages",
  request: { body: jsonBody(ClaimInputSchema) },
  responses: {
    200: jsonResponse(z.object({ user: UserViewSchema }), "The account"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 429),
  },
});

/** /api/v1: embed settings, guest sign-up, entering an embedded room, claiming a guest. */
export const embedRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(getSettings, async (c) =>
    c.json(
      await embedsOf(c.var.services).getSettings(
        requireUser(c),
        c.req.valid("param").id,
      ),
      200,
    ))
  .openapi(putSettings, async (c) =>
    c.json(
      await embedsOf(c.var.services).putSettings(
        requireUser(c),
        c.req.valid("param").id,
        c.req.valid("json"),
      ),
      200,
    ))
  .openapi(readNew, async (c) =>
    c.json(
      await embedsOf(c.var.services).history(
        c.var.user,
        c.req.valid("param").id,
        { limit: EMBED_HISTORY_LIMIT, after: c.req.valid("query").after },
      ),
      200,
    ))
  .openapi(signUpGuest, async (c) => {
    const { user, token } = await embedsOf(c.var.services).signUpGuest(
      c.req.valid("param").id,
      c.req.valid("json").displayName,
      clientAddress(c),
    );
    noStore(c);
    return c.json({ user, token }, 201);
  })
  .openapi(enter, async (c) => {
    const access = await embedsOf(c.var.services).enter(
      requireUser(c),
      c.req.valid("param").id,
    );
    return c.json({ access }, 200);
  })
  .openapi(claim, async (c) => {
    const user = await c.var.services.accounts.claim(
      requireUser(c),
      c.req.valid("json"),
      clientAddress(c),
    );
    return c.json({ user }, 200);
  });
