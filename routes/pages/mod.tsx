import type { Context } from "hono";
import { Hono } from "hono";
import { serveStatic } from "hono/deno";
import { etag } from "hono/etag";
import { fileURLToPath } from "node:url";
import ErrorPage, { errorTitle } from "../../components/ErrorPage.tsx";
import type { AppEnv } from "../../lib/http/env.ts";
import { render } from "../../lib/http/render.tsx";
import type { PageError } from "../../lib/http/errors.ts";
import { createAdminPages } from "./admin.tsx";
import { createAuthPages } from "./auth.tsx";
import { createDocsPages } from "./docs.tsx";
import { createEmbedPages } from "./embed.tsx";
import { createCheckInPages } from "./checkin.tsx";
import { createInboxPages } from "./inbox.tsx";
import { createModerationPages } from "./moderation.tsx";
import { createPeoplePages } from "./people.tsx";
import { createRoomPages } from "./rooms.tsx";
import { createSettingsPages } from "./settings.tsx";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Serves static/ with an ETag; island bundles keep their names across builds, so they revalidate. */
function staticFiles() {
  return [
    etag(),
    serveStatic<AppEnv>({
      root: ROOT,
      onFound: (path, c) => {
        c.header(
          "Cache-Control",
          path.includes("/static/build/")
            ? "public, no-cache"
            : "public, max-age=3600",
        );
      },
    }),
  ] as const;
}

/** /static/*, mounted ahead of the session middleware: files don't depend on who asks. */
export function createStaticRoutes() {
  return new Hono<AppEnv>().use("/static/*", ...staticFiles());
}

/** The HTML pages. */
export function createPageRoutes() {
  const pages = new Hono<AppEnv>();
  pages.route("/", createAuthPages());
  pages.route("/", createRoomPages());
  pages.route("/", createSettingsPages());
  pages.route("/", createInboxPages());
  pages.route("/", createAdminPages());
  pages.route("/", createModerationPages());
  pages.route("/", createEmbedPages());
  pages.route("/", createCheckInPages());
  pages.route("/", createPeoplePages());
  pages.route("/", createDocsPages());
  return pages;
}

/** The HTML error page for an error's status and message. */
export function renderErrorPage(c: Context, e: PageError): Response {
  const { status } = e;
  return render(c, <ErrorPage status={status} message={e.message} />, {
    title: errorTitle(status),
    status,
  });
}
