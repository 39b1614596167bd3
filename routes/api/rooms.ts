import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppEnv } from "../../lib/http/env.ts";
import { validationHook } from "../../lib/http/errors.ts";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  QueryNumber,
  SESSION_SECURITY,
} from "../../lib/http/openapi.ts";
import { requireUser } from "../../lib/http/session.ts";
import {
  CheckInSchema,
  CreateRoomInputSchema,
  FixSchema,
  LatSchema,
  LngSchema,
  NearbyRoomViewSchema,
  ROOM_RADIUS_M,
  RoomViewSchema,
  UlidSchema,
  UpdateRoomInputSchema,
  UserViewSchema,
} from "../../lib/shared/schemas.ts";

const RoomParams = z.object({ id: UlidSchema });
const NearbyQuery = z.object({
  lat: QueryNumber.pipe(LatSchema),
  lng: QueryNumber.pipe(LngSchema),
  radius: z.coerce.number().int().min(1).max(ROOM_RADIUS_M.max).default(1000),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const MembersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: UlidSchema.optional(),
});
const MemberViewSchema = UserViewSchema.extend({
  joinedAt: z.string(),
  role: z.enum(["owner", "admin", "member"]),
  /** Muted until then (null: not muted). */
  mutedUntil: z.string().nullable(),
  /** Held read-only by the raid shield until an admin lets them in. */
  held: z.boolean(),
});
const auth = { tags: ["rooms"], security: SESSION_SECURITY };

const create = createRoute({
  ...auth,
  method: "post",
  path: "/rooms",
  summary: "Create a room at a point; the creator becomes its first member",
  request: { body: jsonBody(CreateRoomInputSchema) },
  responses: {
    201: jsonResponse(RoomViewSchema, "The new room"),
    ...errorResponses(400, 401, 403, 413, 415, 429),
  },
});

const nearby = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/nearby",
  summary: "Live rooms whose centre is within `radius` metres, nearest first",
  request: { query: NearbyQuery },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(NearbyRoomViewSchema) }),
      "Rooms",
    ),
    ...errorResponses(400, 401),
  },
});

const get = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}",
  summary: "One room",
  request: { params: RoomParams },
  responses: {
    200: jsonResponse(RoomViewSchema, "The room"),
    ...errorResponses(400, 401, 404),
  },
});

const update = createRoute({
  ...auth,
  method: "patch",
  path: "/rooms/{id}",
  summary:
    "Rename or redescribe a room (owner and admins); members get room.updated",
  request: { params: RoomParams, body: jsonBody(UpdateRoomInputSchema) },
  responses: {
    200: jsonResponse(RoomViewSchema, "The room"),
    ...errorResponses(400, 401, 403, 404, 413, 415, 429),
  },
});

const join = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/join",
  summary:
    "Join from a fix inside the room's post radius (checked for plausibility, never stored); joining again renews the posting lease",
  request: { params: RoomParams, body: jsonBody(FixSchema) },
  responses: {
    200: jsonResponse(RoomViewSchema, "Joined (or already a member)"),
    ...errorResponses(400, 401, 403, 404, 410, 413, 415, 422, 429),
  },
});

const peek = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/peek",
  summary:
    "Peek from a fix inside the room's read radius: read-only access (history and live events) without joining, for the lease's length",
  request: { params: RoomParams, body: jsonBody(FixSchema) },
  responses: {
    200: jsonResponse(RoomViewSchema, "Peeking"),
    ...errorResponses(400, 401, 403, 404, 410, 413, 415, 422, 429),
  },
});

const confirm = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/confirm",
  summary:
    "Confirm you are still inside the post radius: renews the lease that lets a member post",
  request: { params: RoomParams, body: jsonBody(FixSchema) },
  responses: {
    200: jsonResponse(
      z.object({ leaseUntil: z.string() }),
      "Confirmed until then",
    ),
    ...errorResponses(400, 401, 403, 404, 410, 413, 415, 422),
  },
});

const checkIn = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/checkin",
  summary:
    "Join with the code the venue's screen shows (no location needed); codes change every 30 s and a minute-old one is refused",
  request: { params: RoomParams, body: jsonBody(CheckInSchema) },
  responses: {
    200: jsonResponse(RoomViewSchema, "Joined"),
    ...errorResponses(400, 401, 403, 404, 410, 413, 415, 429),
  },
});

const checkInCode = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/checkin-code",
  summary:
    "The room's current check-in code and when it changes, for its owner and admins to show on a screen",
  request: { params: RoomParams },
  responses: {
    200: jsonResponse(
      z.object({ code: z.string(), rotatesAt: z.string() }),
      "The code",
    ),
    ...errorResponses(400, 401, 403, 404, 410),
  },
});

const leave = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/leave",
  summary: "Leave a room",
  request: { params: RoomParams },
  responses: {
    204: { description: "Left" },
    ...errorResponses(400, 401, 403, 404, 413),
  },
});

const members = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/members",
  summary: "A page of the room's members (members only)",
  request: { params: RoomParams, query: MembersQuery },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(MemberViewSchema),
        cursor: z.string().nullable(),
      }),
      "Members",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

/** /api/v1/rooms/*: create, find nearby, read, edit, join, leave, members. */
export const roomRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(create, async (c) => {
    const room = await c.var.services.rooms.createRoom(
      requireUser(c),
      c.req.valid("json"),
    );
    return c.json(room, 201);
  })
  .openapi(nearby, async (c) => {
    requireUser(c);
    const q = c.req.valid("query");
    const items = await c.var.services.rooms.listNearby(
      q.lat,
      q.lng,
      q.radius,
      q.limit,
    );
    return c.json({ items }, 200);
  })
  .openapi(get, async (c) => {
    return c.json(
      await c.var.services.rooms.getRoomView(
        requireUser(c),
        c.req.valid("param").id,
      ),
      200,
    );
  })
  .openapi(update, async (c) => {
    const room = await c.var.services.rooms.updateRoom(
      requireUser(c),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json(room, 200);
  })
  .openapi(join, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(
      await c.var.services.rooms.joinRoom(
        requireUser(c),
        id,
        c.req.valid("json"),
      ),
      200,
    );
  })
  .openapi(peek, async (c) =>
    c.json(
      await c.var.services.rooms.peekRoom(
        requireUser(c),
        c.req.valid("param").id,
        c.req.valid("json"),
      ),
      200,
    ))
  .openapi(confirm, async (c) =>
    c.json(
      await c.var.services.rooms.confirmLocation(
        requireUser(c),
        c.req.valid("param").id,
        c.req.valid("json"),
      ),
      200,
    ))
  .openapi(checkIn, async (c) =>
    c.json(
      await c.var.services.rooms.checkIn(
        requireUser(c),
        c.req.valid("param").id,
        c.req.valid("json").code,
      ),
      200,
    ))
  .openapi(checkInCode, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(
      await c.var.services.rooms.checkInCode(
        requireUser(c),
        c.req.valid("param").id,
      ),
      200,
    );
  })
  .openapi(leave, async (c) => {
    await c.var.services.rooms.leaveRoom(
      requireUser(c),
      c.req.valid("param").id,
    );
    return c.body(null, 204);
  })
  .openapi(members, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await c.var.services.rooms.listMembers(
      requireUser(c),
      c.req.valid("param").id,
      limit,
      cursor,
    );
    return c.json(page, 200);
  });
