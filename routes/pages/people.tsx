import { Hono } from "hono";
import PeopleNearby from "../../islands/PeopleNearby.tsx";
import type { AppEnv } from "../../lib/http/env.ts";
import { Island } from "../../lib/http/island.tsx";
import { render } from "../../lib/http/render.tsx";

/** "/people": opt in to being seen by people nearby, and find who else is (the island). */
export function createPeoplePages() {
  return new Hono<AppEnv>().get("/people", async (c) => {
    const user = c.var.user;
    if (!user) return c.redirect("/login?next=%2Fpeople", 303);
    const visibility = await c.var.services.people.getVisibility(user);
    return render(
      c,
      <div class="people-page">
        <h1>People nearby</h1>
        <Island
          name="PeopleNearby"
          component={PeopleNearby}
          props={{
            me: {
              id: user.id,
              handle: user.handle,
              displayName: user.displayName,
            },
            visibility,
            tileUrl: c.var.config.tileUrl,
          }}
        />
      </div>,
      { title: "People nearby", islands: ["PeopleNearby"] },
    );
  });
}
