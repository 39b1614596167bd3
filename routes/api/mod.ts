import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../../lib/http/env.ts";
import { validationHook } from "../../lib/http/errors.ts";
import { cookieWritesFromOwnOrigin } from "../../lib/http/origin.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { accountRoutes } from "./account.ts";
import { authRoutes } from "./auth.ts";
import { conversationRoutes } from "./conversations.ts";
import { inboxRoutes } from "./inbox.ts";
import { moderationRoutes } from "./moderation.ts";
import { moderationActionRoutes } from "./moderation_actions.ts";
import { meRoutes } from "./me.ts";
import { messageActionRoutes } from "./message_actions.ts";
import { messageRoutes } from "./messages.ts";
import { roomLiveRoutes } from "./room_live.ts";
import { roomRoutes } from "./rooms.ts";

/** Largest JSON body the API reads, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The versioned JSON API, mounted at /api/v1, with its OpenAPI document. */
export function createApiRoutes() {
  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  api.use(bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError(
        413,
        "payload_too_large",
        `Body is over ${MAX_BODY_BYTES} bytes`,
      );
    },
  }));
  api.use(cookieWritesFromOwnOrigin());
  api.route("/", authRoutes);
  api.route("/", roomRoutes);
  api.route("/", messageRoutes);
  api.route("/", messageActionRoutes);
  api.route("/", roomLiveRoutes);
  api.route("/", meRoutes);
  api.route("/", accountRoutes);
  api.route("/", conversationRoutes);
  api.route("/", inboxRoutes);
  api.route("/", moderationActionRoutes);
  api.route("/", moderationRoutes);
  api.get("/health", (c) => c.json({ ok: true }));
  api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "The session token from register or login",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "cookie", {
    type: "apiKey",
    in: "cookie",
    name: "vicinity_session",
  });
  api.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Vicinity API",
      version: "1.0.0",
      description:
        'Proximity chat. Errors are always {"error":{"code","message","details"}}.',
    },
    servers: [{ url: "/api/v1" }],
  });
  return api;
}
