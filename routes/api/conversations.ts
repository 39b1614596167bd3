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
  BlockedUserSchema,
  BlockSchema,
  CreateGroupSchema,
  InviteSchema,
  SetRoleSchema,
  StartDirectSchema,
} from "../../lib/shared/inbox_schemas.ts";
import { RoomViewSchema, UlidSchema } from "../../lib/shared/schemas.ts";

const RoomParams = z.object({ id: UlidSchema });
const MemberParams = RoomParams.extend({ userId: UlidSchema });
const auth = { tags: ["conversations"], security: SESSION_SECURITY };
const WRITE_ERRORS = errorResponses(400, 401, 403, 404, 409, 413, 415, 429);
const ACT_ERRORS = errorResponses(400, 401, 403, 404, 409, 429);
const done = { 204: { description: "Done" } };

const startDirect = createRoute({
  ...auth,
  method: "post",
  path: "/direct",
  summary:
    "Open the direct conversation with someone by handle (one per pair). People who share only proximity rooms start with a request; asking someone who asked you accepts theirs",
  request: { body: jsonBody(StartDirectSchema) },
  responses: {
    200: jsonResponse(RoomViewSchema, "The conversation that already existed"),
    201: jsonResponse(RoomViewSchema, "A new conversation"),
    ...WRITE_ERRORS,
  },
});

const answer = (verb: "accept" | "decline") =>
  createRoute({
    ...auth,
    method: "post",
    path: `/direct/{id}/${verb}`,
    summary: verb === "accept"
      ? "Accept a message request"
      : "Decline a message request: it leaves your inbox, they are not told",
    request: { params: RoomParams },
    responses: { ...done, ...ACT_ERRORS },
  });

const createGroup = createRoute({
  ...auth,
  method: "post",
  path: "/groups",
  summary: "Create a private group (not on the map); you own it",
  request: { body: jsonBody(CreateGroupSchema) },
  responses: {
    201: jsonResponse(RoomViewSchema, "The new group"),
    ...WRITE_ERRORS,
  },
});

const invite = createRoute({
  ...auth,
  method: "post",
  path: "/rooms/{id}/members",
  summary: "Add someone to a group by handle (owners and admins)",
  request: { params: RoomParams, body: jsonBody(InviteSchema) },
  responses: {
    200: jsonResponse(
      z.object({ userId: UlidSchema, added: z.boolean() }),
      "Added, or already a member",
    ),
    ...WRITE_ERRORS,
  },
});

const setRole = createRoute({
  ...auth,
  method: "patch",
  path: "/rooms/{id}/members/{userId}",
  summary:
    "Change a group member's role (owners); the last owner cannot step down",
  request: { params: MemberParams, body: jsonBody(SetRoleSchema) },
  responses: { ...done, ...WRITE_ERRORS },
});

const remove = createRoute({
  ...auth,
  method: "delete",
  path: "/rooms/{id}/members/{userId}",
  summary:
    "Remove someone from a group: owners remove anyone, admins members only; removing yourself leaves",
  request: { params: MemberParams },
  responses: { ...done, ...ACT_ERRORS },
});

const listBlocks = createRoute({
  ...auth,
  method: "get",
  path: "/me/blocks",
  summary: "The people you blocked, newest first",
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(BlockedUserSchema) }),
      "Blocked people",
    ),
    ...errorResponses(401),
  },
});

const block = createRoute({
  ...auth,
  method: "post",
  path: "/me/blocks",
  summary:
    "Block someone: they cannot message or invite you, their messages are collapsed for you, and they are not told",
  request: { body: jsonBody(BlockSchema) },
  responses: {
    201: jsonResponse(BlockedUserSchema, "Blocked"),
    ...WRITE_ERRORS,
  },
});

const unblock = createRoute({
  ...auth,
  method: "delete",
  path: "/me/blocks/{userId}",
  summary: "Unblock someone",
  request: { params: z.object({ userId: UlidSchema }) },
  responses: { ...done, ...errorResponses(400, 401, 403, 429) },
});

/** Direct conversations, groups and their members, and blocks. */
export const conversationRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(startDirect, async (c) => {
    const { room, created } = await c.var.services.conversations.startDirect(
      requireUser(c),
      c.req.valid("json").handle,
    );
    return created ? c.json(room, 201) : c.json(room, 200);
  })
  .openapi(answer("accept"), async (c) => {
    await c.var.services.conversations.acceptRequest(
      requireUser(c),
      c.req.valid("param").id,
    );
    return c.body(null, 204);
  })
  .openapi(answer("decline"), async (c) => {
    await c.var.services.conversations.declineRequest(
      requireUser(c),
      c.req.valid("param").id,
    );
    return c.body(null, 204);
  })
  .openapi(createGroup, async (c) => {
    const room = await c.var.services.conversations.createGroup(
      requireUser(c),
      c.req.valid("json"),
    );
    return c.json(room, 201);
  })
  .openapi(invite, async (c) => {
    const result = await c.var.services.conversations.invite(
      requireUser(c),
      c.req.valid("param").id,
      c.req.valid("json").handle,
    );
    return c.json(result, 200);
  })
  .openapi(setRole, async (c) => {
    const { id, userId } = c.req.valid("param");
    await c.var.services.conversations.setRole(
      requireUser(c),
      id,
      userId,
      c.req.valid("json").role,
    );
    return c.body(null, 204);
  })
  .openapi(remove, async (c) => {
    const { id, userId } = c.req.valid("param");
    await c.var.services.conversations.removeMember(requireUser(c), id, userId);
    return c.body(null, 204);
  })
  .openapi(listBlocks, async (c) => {
    const items = await c.var.services.conversations.listBlocked(
      requireUser(c),
    );
    return c.json({ items }, 200);
  })
  .openapi(block, async (c) => {
    const blocked = await c.var.services.conversations.block(
      requireUser(c),
      c.req.valid("json").handle,
    );
    return c.json(blocked, 201);
  })
  .openapi(unblock, async (c) => {
    await c.var.services.conversations.unblock(
      requireUser(c),
      c.req.valid("param").userId,
    );
    return c.body(null, 204);
  });
