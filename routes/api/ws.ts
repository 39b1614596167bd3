import { type Context, Hono } from "hono";
import { hashToken } from "../../lib/db/sessions.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { restrictToEmbedOrigin } from "../../lib/chat/session.ts";
import { socketOriginScope } from "../../lib/http/origin.ts";
import { clientAddress, tokenOf } from "../../lib/http/session.ts";
import {
  forbidden,
  unauthorized,
  validation,
} from "../../lib/shared/errors.ts";

/** Whether a comma-separated header lists `token` (case-insensitive), as RFC 9110 lists do. */
const lists = (value: string | undefined, token: string) =>
  value?.split(",").some((v) => v.trim().toLowerCase() === token) ?? false;

/** A Sec-WebSocket-Key is 16 random bytes in base64 (RFC 6455 §4.1). */
const KEY = /^[A-Za-z0-9+/]{22}==$/;

/** The 426 refusal, in the API's error shape (AppError has no 426). */
function upgradeRequired(
  c: Context<AppEnv>,
  message: string,
  header: [string, string],
) {
  c.header(...header);
  return c.json({ error: { code: "upgrade_required", message } }, 426);
}

/**
 * GET /api/v1/ws, the WebSocket endpoint (docs/protocol.md). Everything about the request is
 * checked before the upgrade, since its headers are unreadable afterwards; a malformed
 * handshake is the client's error (400 or 426), never a server fault.
 */
export function createWsRoutes() {
  return new Hono<AppEnv>().get("/ws", async (c) => {
    const h = (name: string) => c.req.header(name);
    if (
      !lists(h("upgrade"), "websocket") || !lists(h("connection"), "upgrade")
    ) {
      return upgradeRequired(c, "Open this URL as a WebSocket", [
        "Upgrade",
        "websocket",
      ]);
    }
    if (h("sec-websocket-version")?.trim() !== "13") {
      return upgradeRequired(c, "Only WebSocket version 13 is supported", [
        "Sec-WebSocket-Version",
        "13",
      ]);
    }
    if (!KEY.test(h("sec-websocket-key")?.trim() ?? "")) {
      throw validation("Sec-WebSocket-Key must be 16 bytes in base64");
    }
    // No Origin means a non-browser client, which cross-site request forgery cannot drive.
    // An embed site's socket opens, but serves only the rooms that list that site.
    const origin = h("origin");
    const scope = origin === undefined
      ? "any"
      : await socketOriginScope(c, origin);
    if (!scope) {
      throw forbidden("origin_not_allowed", "This origin may not connect");
    }
    // Credentials that fail are refused; none at all means an `auth` frame must come first.
    const user = c.var.user;
    if (tokenOf(c) !== null && !user) {
      throw unauthorized("Session is not valid");
    }
    // The socket keeps the token's hash, never the token, so a revocation can find it.
    const tokenHash = user && c.var.token ? await hashToken(c.var.token) : null;
    const address = clientAddress(c);
    // Admission and acceptance run in one tick, so concurrent upgrades cannot both squeeze in.
    c.var.hub.admit(user?.id ?? null, address);
    const { socket, response } = Deno.upgradeWebSocket(c.req.raw);
    if (scope === "embed") restrictToEmbedOrigin(socket, origin!);
    c.var.hub.accept(socket, user, { address, tokenHash });
    return response;
  });
}
