import { Hono } from "hono";
import Inbox from "../../islands/Inbox.tsx";
import type { AppEnv } from "../../lib/http/env.ts";
import { Island } from "../../lib/http/island.tsx";
import { render } from "../../lib/http/render.tsx";

/** "/inbox": every room and conversation of mine, live (the island loads the list). */
export function createInboxPages() {
  return new Hono<AppEnv>().get("/inbox", (c) => {
    const user = c.var.user;
    if (!user) return c.redirect("/login?next=%2Finbox", 303);
    return render(
      c,
      <div class="inbox-page">
        <h1>Inbox</h1>
        <Island
          name="Inbox"
          component={Inbox}
          props={{
            me: {
              id: user.id,
              handle: user.handle,
              displayName: user.displayName,
            },
            variant: "page" as const,
            currentRoomId: null,
          }}
        />
      </div>,
      { title: "Inbox", islands: ["Inbox"] },
    );
  });
}
