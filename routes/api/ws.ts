import { Hono } from "hono";
import type { AppEnv } from "../../lib/http/env.ts";
import { isSocketOrigin } from "../../lib/http/origin.ts";
import { tokenOf } from "../../lib/http/session.ts";
import { forbidden, unauthorized } from "../../lib/shared/errors.ts";

/**
 * GET /api/v1/ws, the WebSocket endpoint (docs/protocol.md). Everything about the request is
 * checked before the upgrade, since its headers are unreadable afterwards.
 */
export function createWsRoutes() {
  return new Hono<AppEnv>().get("/ws", (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      c.header("Upgrade", "websocket");
      return c.json({
        error: {
          code: "upgrade_required",
          message: "Open this URL as a WebSocket",
        },
      }, 426);
    }
    // No Origin means a non-browser client, which cross-site request forgery cannot drive.
    const origin = c.req.header("origin");
    if (origin !== undefined && !isSocketOrigin(c, origin)) {
      throw forbidden("origin_not_allowed", "This origin may not connect");
    }
    // Credentials that fail are refused; none at all means an `auth` frame must come first.
    if (tokenOf(c) !== null && !c.var.user) {
      throw unauthorized("Session is not valid");
    }
    const { socket, response } = Deno.upgradeWebSocket(c.req.raw);
    c.var.hub.accept(socket, c.var.user);
    return response;
  });
}
