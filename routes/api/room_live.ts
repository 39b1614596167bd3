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
  MessageViewSchema,
  PresenceViewSchema,
  UlidSchema,
} from "../../lib/shared/schemas.ts";

const RoomParams = z.object({ id: UlidSchema });
const PinParams = RoomParams.extend({ seq: z.coerce.number().int().min(1) });
const auth = { tags: ["rooms"], security: SESSION_SECURITY };
const ACT_ERRORS = errorResponses(400, 401, 403, 404, 409, 413, 422, 429);

const pins = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/pins",
  summary: "The room's pinned messages",
  request: { params: RoomParams },
  responses: {
    200: jsonResponse(z.object({ items: z.array(MessageViewSchema) }), "Pins"),
    ...errorResponses(400, 401, 403, 404),
  },
});

const pin = (method: "put" | "delete") =>
  createRoute({
    ...auth,
    method,
    path: "/rooms/{id}/pins/{seq}",
    summary: method === "put"
      ? "Pin a message (room admins)"
      : "Unpin a message (room admins)",
    request: { params: PinParams },
    responses: { 200: jsonResponse(MessageViewSchema, "Done"), ...ACT_ERRORS },
  });

const read = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/read",
  summary: "Raise your read mark in the room to a seq",
  request: {
    params: RoomParams,
    body: jsonBody(z.object({ seq: z.number().int().min(1) })),
  },
  responses: {
    204: { description: "Marked" },
    ...errorResponses(400, 401, 403, 404, 413, 415, 429),
  },
});

const receipts = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/receipts",
  summary:
    "How far each member has read (rooms of at most 50 members; private readers are left out)",
  request: { params: RoomParams },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(z.object({ userId: UlidSchema, seq: z.number() })),
      }),
      "Read marks",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

const presence = createRoute({
  ...auth,
  method: "get",
  path: "/rooms/{id}/presence",
  summary: "Who is connected to the room now",
  request: { params: RoomParams },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(PresenceViewSchema), online: z.number() }),
      "Connected people (offline people are not listed)",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

/** /api/v1/rooms/:id: pins, read marks, receipts and presence. */
export const roomLiveRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(pins, async (c) => {
    const items = await c.var.services.actions.listPins(
      requireUser(c),
      c.req.valid("param").id,
    );
    return c.json({ items }, 200);
  })
  .openapi(pin("put"), async (c) => {
    const { id, seq } = c.req.valid("param");
    const r = await c.var.services.actions.setPin(
      requireUser(c),
      id,
      seq,
      true,
    );
    return c.json(r.message, 200);
  })
  .openapi(pin("delete"), async (c) => {
    const { id, seq } = c.req.valid("param");
    const r = await c.var.services.actions.setPin(
      requireUser(c),
      id,
      seq,
      false,
    );
    return c.json(r.message, 200);
  })
  .openapi(read, async (c) => {
    const { id } = c.req.valid("param");
    const shown = await c.var.services.receipts.markRead(
      requireUser(c),
      id,
      c.req.valid("json").seq,
    );
    if (shown) {
      c.var.hub.ephemeral.publish(id, {
        type: "receipt.update",
        room: id,
        ...shown,
      });
    }
    return c.body(null, 204);
  })
  .openapi(receipts, async (c) => {
    const items = await c.var.services.receipts.listReceipts(
      requireUser(c),
      c.req.valid("param").id,
    );
    return c.json({ items }, 200);
  })
  .openapi(presence, async (c) => {
    const { id } = c.req.valid("param");
    await c.var.services.rooms.requireMember(requireUser(c), id);
    const state = await c.var.hub.presence.snapshot(id);
    return c.json({ items: state.users, online: state.online }, 200);
  });
