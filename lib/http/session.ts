import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { unauthorized } from "../shared/errors.ts";
import type { User } from "../db/users.ts";
import type { AppEnv } from "./env.ts";

/** Name of the session cookie pages use. */
export const SESSION_COOKIE = "vicinity_session";

/** Whether the request names a Bearer token, which then decides alone: the cookie is ignored. */
export function hasBearer(c: Context<AppEnv>): boolean {
  return /^bearer /i.test(c.req.header("authorization") ?? "");
}

/** The session token a request carries: `Authorization: Bearer …` first, then the cookie. */
export function tokenOf(c: Context<AppEnv>): string | null {
  if (hasBearer(c)) {
    return c.req.header("authorization")!.slice(7).trim() || null;
  }
  return getCookie(c, SESSION_COOKIE) ?? null;
}

/** Resolves the request's session (if any) into `c.var.user`; never rejects by itself. */
export function sessionMiddleware(): MiddlewareHandler<AppEnv> {
  return async function session(c, next) {
    const token = tokenOf(c);
    const user = await c.var.services.accounts.authenticate(token);
    c.set("user", user);
    c.set("token", user ? token : null);
    // Daily active users: one write per user per day per isolate; it never rejects.
    if (user) await c.var.services.stats.seen(user.id);
    await next();
  };
}

/** The signed-in user, or a 401. */
export function requireUser(c: Context<AppEnv>): User {
  const user = c.var.user;
  if (!user) throw unauthorized();
  return user;
}

/** Marks the response uncacheable: it carries a session token or the user's own data. */
export function noStore(c: Context<AppEnv>): void {
  c.header("Cache-Control", "no-store");
}

/**
 * Sets the session cookie (HttpOnly, SameSite=Lax, Secure when browsers use https) and
 * marks the response no-store, since it carries the token.
 */
export function setSessionCookie(
  c: Context<AppEnv>,
  token: string,
  expiresAt: number,
): void {
  const mode = c.var.config.cookieSecure;
  // Behind a TLS proxy the request URL is http; the public URL is what browsers see.
  const origin = c.var.config.publicOrigin ?? new URL(c.req.url).origin;
  const secure = mode === "always" ||
    (mode === "auto" && origin.startsWith("https:"));
  noStore(c);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure,
    path: "/",
    expires: new Date(expiresAt),
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

/** The client's address, for per-address rate limits (never logged with anything personal). */
export function clientAddress(c: Context<AppEnv>): string {
  return c.env?.remoteAddr?.hostname ?? "unknown";
}
