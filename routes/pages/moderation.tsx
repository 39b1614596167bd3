import { Hono } from "hono";
import Moderation from "../../islands/Moderation.tsx";
import type { AppEnv } from "../../lib/http/env.ts";
import { Island } from "../../lib/http/island.tsx";
import { render } from "../../lib/http/render.tsx";
import { AppError } from "../../lib/shared/errors.ts";

/**
 * "/moderation": the site's report queue, account standings and audit log, for site admins
 * and moderators; for anyone else it does not exist (the same 404 as an unknown page).
 */
export function createModerationPages() {
  return new Hono<AppEnv>().get("/moderation", (c) => {
    const user = c.var.user;
    const siteRole = user?.siteRole;
    if (!user || (siteRole !== "admin" && siteRole !== "moderator")) {
      throw new AppError(404, "not_found", "No such page");
    }
    return render(
      c,
      <div class="moderation-page">
        <h1>Moderation</h1>
        <Island
          name="Moderation"
          component={Moderation}
          props={{
            me: {
              id: user.id,
              handle: user.handle,
              displayName: user.displayName,
            },
            siteRole,
          }}
        />
      </div>,
      { title: "Moderation", islands: ["Moderation"] },
    );
  });
}
