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
  AuthorViewSchema,
  EditMessageInputSchema,
  MessageViewSchema,
  ReactionInputSchema,
  ReactionSummarySchema,
  UlidSchema,
} from "../../lib/shared/schemas.ts";

const MessageParams = z.object({
  id: UlidSchema,
  seq: z.coerce.number().int().min(1),
});
const auth = { tags: ["messages"], security: SESSION_SECURITY };
const ACT_ERRORS = errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429);

const route = <M extends "get" | "post" | "patch" | "delete" | "put">(
  method: M,
  path: string,
  summary: string,
) => ({ ...auth, method, path, summary });

const edit = createRoute({
  ...route("patch", "/rooms/{id}/messages/{seq}", "Edit your own message"),
  request: { params: MessageParams, body: jsonBody(EditMessageInputSchema) },
  responses: { 200: jsonResponse(MessageViewSchema, "Edited"), ...ACT_ERRORS },
});

const remove = createRoute({
  ...route(
    "delete",
    "/rooms/{id}/messages/{seq}",
    "Delete a message (your own; room admins: any); its text leaves storage",
  ),
  request: { params: MessageParams },
  responses: {
    200: jsonResponse(MessageViewSchema, "The tombstone"),
    ...ACT_ERRORS,
  },
});

const react = createRoute({
  ...route(
    "post",
    "/rooms/{id}/messages/{seq}/reactions",
    "Set (on) or clear one emoji",
  ),
  request: { params: MessageParams, body: jsonBody(ReactionInputSchema) },
  responses: {
    200: jsonResponse(
      z.object({
        messageSeq: z.number().int(),
        reactions: z.array(ReactionSummarySchema),
      }),
      "The message's reactions after the change",
    ),
    ...ACT_ERRORS,
  },
});

const reactors = createRoute({
  ...route(
    "get",
    "/rooms/{id}/messages/{seq}/reactions",
    "Who reacted with each emoji",
  ),
  request: { params: MessageParams },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(z.object({
          emoji: z.string(),
          count: z.number().int(),
          users: z.array(AuthorViewSchema),
        })),
      }),
      "Reactions",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

const edits = createRoute({
  ...route(
    "get",
    "/rooms/{id}/messages/{seq}/edits",
    "A message's earlier texts (room admins)",
  ),
  request: { params: MessageParams },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(z.object({ text: z.string(), editedAt: z.string() })),
      }),
      "Earlier texts, oldest first",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
});

/** /api/v1/rooms/:id/messages/:seq: edit, delete, reactions and edit history. */
export const messageActionRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(edit, async (c) => {
    const { id, seq } = c.req.valid("param");
    const r = await c.var.services.actions.editMessage(
      requireUser(c),
      id,
      seq,
      c.req.valid("json").text,
    );
    return c.json(r.message, 200);
  })
  .openapi(remove, async (c) => {
    const { id, seq } = c.req.valid("param");
    const r = await c.var.services.actions.deleteMessage(
      requireUser(c),
      id,
      seq,
    );
    return c.json(r.message, 200);
  })
  .openapi(react, async (c) => {
    const { id, seq } = c.req.valid("param");
    const { emoji, on } = c.req.valid("json");
    const r = await c.var.services.actions.setReaction(
      requireUser(c),
      id,
      seq,
      emoji,
      on,
    );
    return c.json({ messageSeq: seq, reactions: r.message.reactions }, 200);
  })
  .openapi(reactors, async (c) => {
    const { id, seq } = c.req.valid("param");
    const items = await c.var.services.actions.listReactions(
      requireUser(c),
      id,
      seq,
    );
    return c.json({ items }, 200);
  })
  .openapi(edits, async (c) => {
    const { id, seq } = c.req.valid("param");
    const items = await c.var.services.actions.listEdits(
      requireUser(c),
      id,
      seq,
    );
    return c.json({ items }, 200);
  });
