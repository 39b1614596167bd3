import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { embedsOf } from "../services/embed.ts";
import { parseEmbedOrigin } from "../shared/embed_schemas.ts";
import { forbidden } from "../shared/errors.ts";
import type { AppEnv } from "./env.ts";
import { hasBearer, SESSION_COOKIE } from "./session.ts";

/** This server's origin as browsers see it: VICINITY_PUBLIC_URL's, else the request URL's. */
export function ownOrigin(c: Context<AppEnv>): string {
  return c.var.config.publicOrigin ?? new URL(c.req.url).origin;
}

/** Whether a browser may open the WebSocket from `origin`: ours or a configured one. */
export function isSocketOrigin(c: Context<AppEnv>, origin: string): boolean {
  return origin === ownOrigin(c) ||
    c.var.config.allowedOrigins.includes(origin);
}

/**
 * How far a WebSocket opened from `origin` reaches: everywhere (ours or a configured one),
 * only the rooms that list it as an embed site, or nowhere (null).
 */
export async function socketOriginScope(
  c: Context<AppEnv>,
  origin: string,
): Promise<"any" | "embed" | null> {
  if (isSocketOrigin(c, origin)) return "any";
  // Only an origin in the form rooms store it is looked up (and no huge header becomes a key).
  if (parseEmbedOrigin(origin) !== origin) return null;
  return await embedsOf(c.var.services).isEmbedOrigin(origin) ? "embed" : null;
}

/** Refuses (403 `bad_origin`) a request a browser sent from another site, if it says so. */
export function requireOwnOrigin(c: Context<AppEnv>): void {
  // Browsers always send Origin on cross-site POSTs; an absent one is same-site or not a browser.
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== ownOrigin(c)) {
    throw forbidden("bad_origin", "This request was sent from another site");
  }
}

/**
 * Defense in depth against cross-site writes riding on the session cookie (SameSite=Lax and
 * JSON-only bodies already stop them): unsafe requests authenticated by cookie alone must
 * come from our own origin. Bearer-token requests cannot be forged by a browser; any other
 * Authorization header (Basic, …) leaves the cookie in charge, so it gets the check too.
 */
export function cookieWritesFromOwnOrigin(): MiddlewareHandler<AppEnv> {
  return async function cookieWrites(c, next) {
    const unsafe = !["GET", "HEAD", "OPTIONS"].includes(c.req.method);
    if (
      unsafe && !hasBearer(c) && getCookie(c, SESSION_COOKIE)
    ) {
      requireOwnOrigin(c);
    }
    await next();
  };
}
