import { Hono } from "hono";
import CheckInScreen from "../../islands/CheckInScreen.tsx";
import type { AppEnv } from "../../lib/http/env.ts";
import { Island } from "../../lib/http/island.tsx";
import { ownOrigin } from "../../lib/http/origin.ts";
import { render } from "../../lib/http/render.tsx";
import { notFound } from "../../lib/shared/errors.ts";
import { UlidSchema } from "../../lib/shared/schemas.ts";

/**
 * "/rooms/:id/checkin-screen": the venue's screen with the room's rotating check-in code,
 * for the room's owner and admins (others get the API's refusal as an error page).
 */
export function createCheckInPages() {
  return new Hono<AppEnv>().get("/rooms/:id/checkin-screen", async (c) => {
    const user = c.var.user;
    if (!user) {
      const next = encodeURIComponent(new URL(c.req.url).pathname);
      return c.redirect(`/login?next=${next}`, 303);
    }
    const id = UlidSchema.safeParse(c.req.param("id"));
    if (!id.success) throw notFound("Room");
    const { rooms } = c.var.services;
    const first = await rooms.checkInCode(user, id.data);
    const room = await rooms.getRoomView(user, id.data);
    return render(
      c,
      <Island
        name="CheckInScreen"
        component={CheckInScreen}
        props={{
          roomId: room.id,
          roomName: room.name,
          roomUrl: `${ownOrigin(c)}/rooms/${room.id}`,
          code: first.code,
          rotatesAt: first.rotatesAt,
        }}
      />,
      { title: `Check in · ${room.name}`, islands: ["CheckInScreen"] },
    );
  });
}
