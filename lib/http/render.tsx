import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import Document from "../../components/Document.tsx";
import { toUserView, type User } from "../db/users.ts";
import type { AppEnv } from "./env.ts";

/** How to wrap a page: its title, the islands it uses (one script each) and its status. */
export type RenderOptions = {
  title: string;
  islands?: string[];
  status?: ContentfulStatusCode;
};

/** Renders a full HTML document to a string; the header shows the given user, if any. */
export function renderDocument(
  page: VNode,
  opts: RenderOptions & { user: User | null },
): string {
  const islands = [...new Set(opts.islands ?? [])];
  const html = renderToString(
    <Document
      title={opts.title}
      user={opts.user
        ? { ...toUserView(opts.user), siteRole: opts.user.siteRole ?? null }
        : null}
      islands={islands}
    >
      {page}
    </Document>,
  );
  return `<!DOCTYPE html>${html}`;
}

/** Renders a page as a complete HTML response for the request's signed-in user. */
export function render(
  c: Context,
  page: VNode,
  opts: RenderOptions,
): Response {
  // The error page can run before the session middleware has set `user`.
  const user = (c.var as Partial<AppEnv["Variables"]>).user ?? null;
  return c.body(renderDocument(page, { ...opts, user }), opts.status ?? 200, {
    "content-type": "text/html; charset=utf-8",
    // Pages show the signed-in user's data, so shared caches must not keep them.
    "cache-control": "private, no-cache",
  });
}
