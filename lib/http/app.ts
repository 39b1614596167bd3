import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { Config } from "../config.ts";
import { createServices, type Services } from "../services/mod.ts";
import { isPurgeMessage } from "../services/room_purge.ts";
import type { Clock } from "../shared/clock.ts";
import { createIdFactory, systemClock } from "../shared/clock.ts";
import { AppError } from "../shared/errors.ts";
import type { AppEnv } from "./env.ts";
import { createOnError } from "./errors.ts";
import { sessionMiddleware } from "./session.ts";
import { createApiRoutes } from "../../routes/api/mod.ts";
import { createWsRoutes } from "../../routes/api/ws.ts";
import { registerHealthRoutes } from "../../routes/health.ts";
import { createWidgetRoutes, embedHeaders } from "../../routes/pages/embed.tsx";
import {
  createPageRoutes,
  createStaticRoutes,
  renderErrorPage,
} from "../../routes/pages/mod.tsx";
import { createHub } from "../chat/hub.ts";
import { log } from "../log.ts";

/** What createApp needs: KV, a clock and validated config; ids default to ULIDs. */
export type AppDeps = {
  kv: Deno.Kv;
  config: Config;
  clock?: Clock;
  newId?: () => string;
};

/**
 * Runs queued jobs (ended event rooms' purges) on this isolate. Delivery is at-least-once and
 * the handlers are idempotent; one listener per KV handle, so a second app on the same handle
 * (tests) leaves the first one listening.
 */
function listenForJobs(kv: Deno.Kv, services: Services) {
  try {
    kv.listenQueue(async (msg: unknown) => {
      if (!isPurgeMessage(msg)) return;
      const out = await services.purge.purge(msg.roomId);
      if (out.done) {
        log.info("room.purged", { room: msg.roomId, keys: out.deleted });
      } else {log.info("room.purge_deferred", {
          room: msg.roomId,
          inMs: out.retryInMs,
        });}
    }).catch((err) => log.warn("queue.stopped", { error: String(err) }));
  } catch (err) {
    log.debug("queue.not_listening", { error: String(err) });
  }
}

/** Builds the whole HTTP application for one isolate. */
export function createApp({ kv, config, clock = systemClock, newId }: AppDeps) {
  const services = createServices(
    { kv, clock, newId: newId ?? createIdFactory(clock) },
    {
      sessionTtlMs: config.sessionTtlMs,
      eventRetentionMs: config.eventRetentionMs,
      flagWords: config.flagWords,
      raidShield: config.raidShield,
      maxSpeedKmh: config.maxSpeedKmh,
      leaseMs: config.leaseMs,
      endedRoomRetentionMs: config.endedRoomRetentionMs,
      onBackgroundError: (what, err) => log.warn(what, { error: String(err) }),
    },
  );
  const hub = createHub({ kv, services, broadcast: config.broadcast });
  // An account deletion interrupted by a crash or restart finishes here; every step is
  // idempotent, so isolates racing on one job are harmless.
  services.accountSelf.resumeDeletions().catch((err) =>
    log.warn("account.resume_failed", { error: String(err) })
  );
  services.signals.current = hub;
  listenForJobs(kv, services);
  const app = new Hono<AppEnv>();
  // Outside secureHeaders: only the embed page and the widget change its answers.
  app.use(embedHeaders());
  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      // Map tiles come from the one configured tile server, nowhere else.
      imgSrc: [
        "'self'",
        "data:",
        ...(config.tileOrigin ? [config.tileOrigin] : []),
      ],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    },
    referrerPolicy: "same-origin",
  }));
  app.use(async function inject(c, next) {
    c.set("services", services);
    c.set("config", config);
    c.set("hub", hub);
    await next();
  });
  app.route("/", createStaticRoutes());
  app.route("/", createWidgetRoutes());
  registerHealthRoutes(app, { kv });
  app.use(sessionMiddleware());
  app.route("/api/v1", createWsRoutes());
  app.route("/api/v1", createApiRoutes());
  app.route("/", createPageRoutes());
  const onError = createOnError(renderErrorPage);
  app.notFound((c) =>
    onError(new AppError(404, "not_found", "No such page"), c)
  );
  app.onError(onError);
  const shutdown = () => hub.close();
  return { app, services, shutdown };
}
