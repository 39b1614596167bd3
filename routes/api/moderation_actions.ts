import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppEnv } from "../../lib/http/env.ts";
import { validationHook } from "../../lib/http/errors.ts";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  SESSION_SECURITY,
} from "../../lib/http/openapi.ts";
import { requireUser } from "../../lib/http/session.ts";
import {
  MAX_MUTE_MINUTES,
  MAX_SLOW_MODE_S,
} from "../../lib/services/moderation_rules.ts";
import { UlidSchema } from "../../lib/shared/schemas.ts";

const RoomParams = z.object({ id: UlidSchema });
const MemberParams = RoomParams.extend({ userId: UlidSchema });
const UserParams = z.object({ id: UlidSchema });
const Reason = z.string().trim().max(500).default("");
const auth = { tags: ["moderation"], security: SESSION_SECURITY };
const done = { 204: { description: "Done" } };
const WRITE = errorResponses(400, 401, 403, 404, 409, 413, 415, 429);
const ACT = errorResponses(400, 401, 403, 404, 429);

const mute = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/members/{userId}/mute",
  summary:
    "Mute a member for some minutes: they read but cannot post or react (room admins; owners also mute admins)",
  request: {
    params: MemberParams,
    body: jsonBody(z.object({
      minutes: z.number().int().min(1).max(MAX_MUTE_MINUTES),
      reason: Reason,
    })),
  },
  responses: { ...done, ...WRITE },
});
const unmute = createRoute({
  ...auth,
  method: "delete",
  path: "/rooms/{id}/members/{userId}/mute",
  summary: "Lift a mute",
  request: { params: MemberParams },
  responses: { ...done, ...ACT },
});
const kick = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/members/{userId}/kick",
  summary: "Remove a member; they may join again",
  request: {
    params: MemberParams,
    body: jsonBody(z.object({ reason: Reason })),
  },
  responses: { ...done, ...WRITE },
});
const ban = createRoute({
  ...auth,
  method: "put",
  path: "/rooms/{id}/bans/{userId}",
  summary:
    "Ban someone from the room (removed now, joins refused) for some days or until lifted",
  request: {
    params: MemberParams,
    body: jsonBody(z.object({
      reason: Reason,
      days: z.number().int().min(1).max(3_650).optional(),
    })),
  },
  responses: { ...done, ...WRITE },
});
const unban = createRoute({
  ...auth,
  method: "delete",
  path: "/rooms/{id}/bans/{userId}",
  summary: "Lift a room ban",
  request: { params: MemberParams },
  responses: { ...done, ...ACT },
});
const admit = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/members/{userId}/admit",
  summary: "Let in a member the raid shield held",
  request: { params: MemberParams },
  responses: { ...done, ...ACT },
});
const lowerShield = createRoute({
  ...auth,
  method: "delete",
  path: "/rooms/{id}/shield",
  summary: "Lower the raid shield: later joiners are no longer held",
  request: { params: RoomParams },
  responses: { ...done, ...ACT },
});
const slowMode = createRoute({
  ...auth,
  method: "put",
  path: "/rooms/{id}/slow-mode",
  summary:
    "Set slow mode: members wait this many seconds between messages (0 turns it off; admins are exempt)",
  request: {
    params: RoomParams,
    body: jsonBody(
      z.object({ seconds: z.number().int().min(0).max(MAX_SLOW_MODE_S) }),
    ),
  },
  responses: { ...done, ...WRITE },
});

const listBans = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/bans",
  summary: "The room's current bans (room admins)",
  request: { params: RoomParams },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(z.object({
          userId: UlidSchema,
          handle: z.string(),
          displayName: z.string(),
          by: UlidSchema,
          reason: z.string(),
          at: z.string(),
          until: z.string().nullable(),
        })),
      }),
      "Bans",
    ),
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const shield = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/shield",
  summary:
    "The raid shield: whether it is up (new joiners held read-only) and who it holds (room admins)",
  request: { params: RoomParams },
  responses: {
    200: jsonResponse(
      z.object({
        up: z.boolean(),
        until: z.string().nullable(),
        held: z.array(UlidSchema),
      }),
      "The shield",
    ),
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const siteBan = createRoute({
  ...auth,
  method: "put",
  path: "/admin/users/{id}/ban",
  summary:
    "Ban an account site-wide: sessions revoked, sign-in refused (site moderators)",
  request: { params: UserParams, body: jsonBody(z.object({ reason: Reason })) },
  responses: { ...done, ...WRITE },
});
const siteUnban = createRoute({
  ...auth,
  method: "delete",
  path: "/admin/users/{id}/ban",
  summary: "Lift a site ban (site moderators)",
  request: { params: UserParams },
  responses: { ...done, ...ACT },
});
const shadowBan = createRoute({
  ...auth,
  method: "put",
  path: "/admin/users/{id}/shadow-ban",
  summary:
    "Shadow-ban: their new messages reach only themselves, on REST, WebSocket and resume (site moderators)",
  request: { params: UserParams, body: jsonBody(z.object({ reason: Reason })) },
  responses: { ...done, ...WRITE },
});
const shadowUnban = createRoute({
  ...auth,
  method: "delete",
  path: "/admin/users/{id}/shadow-ban",
  summary: "Lift a shadow ban (site moderators)",
  request: { params: UserParams },
  responses: { ...done, ...ACT },
});
const siteRole = createRoute({
  ...auth,
  method: "put",
  path: "/admin/users/{id}/role",
  summary: "Grant or remove a site role (site admins)",
  request: {
    params: UserParams,
    body: jsonBody(z.object({ role: z.enum(["admin", "moderator", "none"]) })),
  },
  responses: { ...done, ...WRITE },
});

const standing = createRoute({
  ...auth,
  method: "get",
  path: "/admin/users/{id}",
  summary:
    "An account's standing: site role, ban, shadow ban (site moderators)",
  request: { params: UserParams },
  responses: {
    200: jsonResponse(
      z.object({
        id: UlidSchema,
        handle: z.string(),
        displayName: z.string(),
        siteRole: z.enum(["admin", "moderator"]).nullable(),
        banned: z.boolean(),
        shadowBanned: z.boolean(),
      }),
      "Standing",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

/** Room and site moderation actions; each is audited. */
export const moderationActionRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(mute, async (c) => {
    const { id, userId } = c.req.valid("param");
    const { minutes, reason } = c.req.valid("json");
    await c.var.services.moderation.mute(
      requireUser(c),
      id,
      userId,
      minutes,
      reason,
    );
    return c.body(null, 204);
  })
  .openapi(unmute, async (c) => {
    const { id, userId } = c.req.valid("param");
    await c.var.services.moderation.unmute(requireUser(c), id, userId);
    return c.body(null, 204);
  })
  .openapi(kick, async (c) => {
    const { id, userId } = c.req.valid("param");
    await c.var.services.moderation.kick(
      requireUser(c),
      id,
      userId,
      c.req.valid("json").reason,
    );
    return c.body(null, 204);
  })
  .openapi(ban, async (c) => {
    const { id, userId } = c.req.valid("param");
    await c.var.services.moderation.ban(
      requireUser(c),
      id,
      userId,
      c.req.valid("json"),
    );
    return c.body(null, 204);
  })
  .openapi(unban, async (c) => {
    const { id, userId } = c.req.valid("param");
    await c.var.services.moderation.unban(requireUser(c), id, userId);
    return c.body(null, 204);
  })
  .openapi(listBans, async (c) => {
    const items = await c.var.services.moderation.listBans(
      requireUser(c),
      c.req.valid("param").id,
    );
    return c.json({ items }, 200);
  })
  .openapi(admit, async (c) => {
    const { id, userId } = c.req.valid("param");
    await c.var.services.moderation.admit(requireUser(c), id, userId);
    return c.body(null, 204);
  })
  .openapi(shield, async (c) => {
    const user = requireUser(c);
    const { id } = c.req.valid("param");
    const s = await c.var.services.moderation.shield(user, id);
    const held = await c.var.services.moderation.heldMembers(user, id);
    return c.json({ ...s, held }, 200);
  })
  .openapi(lowerShield, async (c) => {
    await c.var.services.moderation.lowerShield(
      requireUser(c),
      c.req.valid("param").id,
    );
    return c.body(null, 204);
  })
  .openapi(slowMode, async (c) => {
    await c.var.services.moderation.setSlowMode(
      requireUser(c),
      c.req.valid("param").id,
      c.req.valid("json").seconds,
    );
    return c.body(null, 204);
  })
  .openapi(siteBan, async (c) => {
    await c.var.services.moderation.banUser(
      requireUser(c),
      c.req.valid("param").id,
      c.req.valid("json").reason,
    );
    return c.body(null, 204);
  })
  .openapi(siteUnban, async (c) => {
    await c.var.services.moderation.unbanUser(
      requireUser(c),
      c.req.valid("param").id,
    );
    return c.body(null, 204);
  })
  .openapi(shadowBan, async (c) => {
    await c.var.services.moderation.setShadowBan(
      requireUser(c),
      c.req.valid("param").id,
      true,
      c.req.valid("json").reason,
    );
    return c.body(null, 204);
  })
  .openapi(shadowUnban, async (c) => {
    await c.var.services.moderation.setShadowBan(
      requireUser(c),
      c.req.valid("param").id,
      false,
    );
    return c.body(null, 204);
  })
  .openapi(siteRole, async (c) => {
    const { role } = c.req.valid("json");
    await c.var.services.moderation.setSiteRole(
      requireUser(c),
      c.req.valid("param").id,
      role === "none" ? null : role,
    );
    return c.body(null, 204);
  })
  .openapi(standing, async (c) =>
    c.json(
      await c.var.services.moderation.standing(
        requireUser(c),
        c.req.valid("param").id,
      ),
      200,
    ));
