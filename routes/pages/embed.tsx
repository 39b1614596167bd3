import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { etag } from "hono/etag";
import { renderToString } from "preact-render-to-string";
import EmbedDocument from "../../components/EmbedDocument.tsx";
import Embed from "../../islands/Embed.tsx";
import type { AppEnv } from "../../lib/http/env.ts";
import { Island } from "../../lib/http/island.tsx";
import { embedsOf } from "../../lib/services/embed.ts";
import {
  EMBED_HISTORY_LIMIT,
  type EmbedProps,
  EmbedThemeSchema,
} from "../../lib/shared/embed_schemas.ts";
import { notFound } from "../../lib/shared/errors.ts";
import { UlidSchema } from "../../lib/shared/schemas.ts";

/**
 * Internal response headers a route sets for embedHeaders() to act on, never sent out: the
 * sites allowed to frame the page, and a file other sites may load (the widget).
 */
const FRAME_ANCESTORS = "x-vicinity-frame-ancestors";
const CROSS_ORIGIN = "x-vicinity-cross-origin";

/**
 * Mounted before secureHeaders, so it runs after it on the way out: an embed page's CSP gets
 * `frame-ancestors` with the room's sites (instead of 'none') and no X-Frame-Options, and
 * the widget script may be loaded by any site. Every other response keeps the defaults.
 */
export function embedHeaders(): MiddlewareHandler<AppEnv> {
  return async function embedHeaders(c, next) {
    await next();
    const h = c.res.headers;
    const ancestors = h.get(FRAME_ANCESTORS);
    if (ancestors !== null) {
      h.delete(FRAME_ANCESTORS);
      const csp = h.get("content-security-policy");
      if (csp) {
        h.set(
          "content-security-policy",
          csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${ancestors}`),
        );
      }
      h.delete("x-frame-options");
    }
    if (h.has(CROSS_ORIGIN)) {
      h.delete(CROSS_ORIGIN);
      h.set("cross-origin-resource-policy", "cross-origin");
    }
  };
}

const WIDGET = new URL("../../static/widget.js", import.meta.url);
let widget: Promise<string> | null = null;

/** GET /widget.js: the one script tag sites paste, loadable from any site. */
export function createWidgetRoutes() {
  return new Hono<AppEnv>().get("/widget.js", etag(), async (c) => {
    widget ??= Deno.readTextFile(WIDGET);
    return c.body(await widget, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=3600",
      [CROSS_ORIGIN]: "1",
    });
  });
}

/** GET /embed/rooms/:id: the room inside the widget's frame, framable by its sites only. */
async function embedPage(c: Context<AppEnv>) {
  const id = UlidSchema.safeParse(c.req.param("id"));
  if (!id.success) throw notFound("Room");
  const embeds = embedsOf(c.var.services);
  const { room, settings } = await embeds.requirePublished(id.data);
  const user = c.var.user;
  const parent = c.req.query("parent") ?? "";
  const props: EmbedProps = {
    roomId: room.id,
    roomName: room.name,
    theme: EmbedThemeSchema.catch("auto").parse(c.req.query("theme")),
    origins: settings.origins,
    parentOrigin: settings.origins.includes(parent) ? parent : null,
    allowGuests: settings.allowGuests,
    venueScreen: settings.venueScreen,
    me: user
      ? {
        id: user.id,
        handle: user.handle,
        displayName: user.displayName,
        ...(user.guest ? { guest: true as const } : {}),
      }
      : null,
    history: await embeds.history(user, room.id, {
      limit: EMBED_HISTORY_LIMIT,
    }),
  };
  const html = renderToString(
    <EmbedDocument title={room.name} theme={props.theme}>
      <Island name="Embed" component={Embed} props={props} />
    </EmbedDocument>,
  );
  return c.body(`<!DOCTYPE html>${html}`, 200, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "private, no-cache",
    // Origins were validated when stored: no space, quote or semicolon can reach the header.
    [FRAME_ANCESTORS]: settings.origins.join(" "),
  });
}

/** The embed pages. */
export function createEmbedPages() {
  return new Hono<AppEnv>().get("/embed/rooms/:id", embedPage);
}
