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
import {
  clearSessionCookie,
  clientAddress,
  noStore,
  requireUser,
  setSessionCookie,
} from "../../lib/http/session.ts";
import { toUserView } from "../../lib/db/users.ts";
import {
  LoginInputSchema,
  RegisterInputSchema,
  UserViewSchema,
} from "../../lib/shared/schemas.ts";

const SignedInSchema = z.object({ user: UserViewSchema, token: z.string() });

const register = createRoute({
  method: "post",
  path: "/auth/register",
  tags: ["auth"],
  summary: "Create an account and sign in",
  request: { body: jsonBody(RegisterInputSchema) },
  responses: {
    201: jsonResponse(
      SignedInSchema,
      "Signed in; the token is also set as a cookie",
    ),
    ...errorResponses(400, 403, 409, 413, 415, 429),
  },
});

const login = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["auth"],
  summary: "Sign in with handle and password",
  request: { body: jsonBody(LoginInputSchema) },
  responses: {
    200: jsonResponse(
      SignedInSchema,
      "Signed in; the token is also set as a cookie",
    ),
    ...errorResponses(400, 401, 403, 413, 415, 429),
  },
});

const logout = createRoute({
  method: "post",
  path: "/auth/logout",
  tags: ["auth"],
  summary: "Revoke the current session",
  security: SESSION_SECURITY,
  responses: {
    204: { description: "Signed out" },
    ...errorResponses(401, 403, 413),
  },
});

const me = createRoute({
  method: "get",
  path: "/me",
  tags: ["auth"],
  summary: "The signed-in user",
  security: SESSION_SECURITY,
  responses: {
    200: jsonResponse(UserViewSchema, "The user"),
    ...errorResponses(401),
  },
});

/** /api/v1/auth/* and /api/v1/me. */
export const authRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(register, async (c) => {
    const signedIn = await c.var.services.accounts.register(
      c.req.valid("json"),
      clientAddress(c),
    );
    setSessionCookie(c, signedIn.token, signedIn.expiresAt);
    return c.json({ user: signedIn.user, token: signedIn.token }, 201);
  })
  .openapi(login, async (c) => {
    const signedIn = await c.var.services.accounts.login(
      c.req.valid("json"),
      clientAddress(c),
    );
    setSessionCookie(c, signedIn.token, signedIn.expiresAt);
    return c.json({ user: signedIn.user, token: signedIn.token }, 200);
  })
  .openapi(logout, async (c) => {
    requireUser(c);
    await c.var.services.accounts.logout(c.var.token!);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .openapi(me, (c) => {
    const user = requireUser(c);
    noStore(c);
    return c.json(toUserView(user), 200);
  });
