import type { User } from "../db/users.ts";
import { log } from "../log.ts";
import { isLockError } from "../db/store.ts";
import { AppError, conflict } from "../shared/errors.ts";
import {
  type ClientFrame,
  MAX_INBOUND_FRAME_BYTES,
  type ServerFrame,
} from "../shared/protocol.ts";
import {
  CLOSE,
  contextOf,
  type ErrorContext,
  errorFrame,
  parseClientFrame,
  tooLarge,
} from "./frames.ts";
import { createHandlers, type HandlerDeps } from "./handlers.ts";
import { createFrameBucket } from "./limits.ts";
import { createSession, type FlowLimits, type OnAuth } from "./session.ts";

/** A socket that has not authenticated within this many milliseconds is closed 1008. */
export const AUTH_TIMEOUT_MS = 5_000;
/**
 * Frames accepted but not yet handled. The frame bucket bounds how fast frames come in; this
 * bounds the queue when handling stalls (a contended store), so it sits above the burst.
 */
export const MAX_PENDING_FRAMES = 200;
/** How long a server-initiated close waits for the client's close frame. */
const CLOSE_WAIT_MS = 2_000;

const busy = () => conflict("busy", "The store is busy, try again");

/** What a connection needs from its isolate: services, the hub, and a goodbye. */
export type ConnectionDeps = Omit<HandlerDeps, "connId"> & {
  isolate: string;
  flow: FlowLimits;
  /** SHA-256 of the token that authenticated the upgrade, if one did. */
  tokenHash?: string | null;
  /** Asked before the socket signs in (either way); an AppError refuses it. */
  onAuthenticated?: OnAuth;
  onClosed(): void;
};

/** One client socket as the hub sees it. */
export type Connection = {
  /** Closes the socket with `code` (once the client is quiet); returns at once. */
  end(code: number, reason: string): void;
  /** Closes the socket with `code` and resolves once it is closed (or after a short wait). */
  shutdown(code: number, reason: string): Promise<void>;
};

/**
 * Runs one WebSocket session: optional first-frame auth, then frames validated and handled
 * one at a time in arrival order. Handlers never throw out; cleanup runs once.
 */
export function openConnection(
  socket: WebSocket,
  user: User | null,
  deps: ConnectionDeps,
): Connection {
  let authSeen = user !== null;
  let pending = 0;
  let chain = Promise.resolve();
  let authTimer: ReturnType<typeof setTimeout> | undefined;
  const bucket = createFrameBucket();
  const closed = Promise.withResolvers<void>();
  const session = createSession(
    socket,
    {
      user,
      tokenHash: deps.tokenHash,
      isolate: deps.isolate,
      flow: deps.flow,
    },
    (u, tokenHash) => {
      clearTimeout(authTimer);
      const refused = deps.onAuthenticated?.(u, tokenHash);
      // Daily active users; seen() never rejects (its failures are logged).
      if (!refused) void deps.services.stats.seen(u.id);
      return refused;
    },
  );
  const connId = crypto.randomUUID();
  const handle = createHandlers(session, { ...deps, connId });

  async function run(frame: ClientFrame | ServerFrame, ctx: ErrorContext) {
    if (!session.isOpen()) return;
    if (frame.type === "error") return session.send(frame);
    try {
      await handle(frame as ClientFrame);
    } catch (err) {
      if (err instanceof AppError) return session.send(errorFrame(err, ctx));
      // Isolates share one SQLite file; a read that hits its lock is worth a retry, not a close.
      if (isLockError(err)) return session.send(errorFrame(busy(), ctx));
      log.error("ws.fault", { type: frame.type, error: String(err) });
      session.end(CLOSE.fault, "internal error");
    }
  }

  function onMessage(data: unknown) {
    session.heard();
    // A closing socket reads on, unhandled, so its close frame is not lost (session.end).
    if (!session.isOpen()) return;
    // A reconnect's burst fits the bucket; a flood runs it dry, or piles up unhandled.
    if (!bucket.take() || pending >= MAX_PENDING_FRAMES) {
      return session.end(CLOSE.policy, "too many frames");
    }
    if (typeof data !== "string") {
      return session.end(CLOSE.unsupported, "text frames only");
    }
    if (tooLarge(data, MAX_INBOUND_FRAME_BYTES)) {
      return session.end(CLOSE.tooBig, "frame too large");
    }
    const parsed = parseClientFrame(data);
    const frame = parsed.ok ? parsed.frame : parsed.error;
    if (!authSeen && frame.type !== "auth") {
      return session.end(CLOSE.policy, "authenticate first");
    }
    authSeen = true;
    pending++;
    const ctx = parsed.ok ? contextOf(parsed.frame) : {};
    chain = chain.then(() => run(frame, ctx))
      .catch((err) => {
        log.error("ws.fault", { error: String(err) });
        session.end(CLOSE.fault, "internal error");
      })
      .finally(() => void pending--);
  }

  let cleaned = false;
  function cleanup() {
    if (cleaned) return;
    cleaned = true;
    clearTimeout(authTimer);
    session.dispose();
    for (const sub of session.subs.values()) sub.stop();
    session.subs.clear();
    session.userSub?.stop();
    session.inbox?.stop();
    void deps.hub.presence.disconnect(connId);
    closed.resolve();
    deps.onClosed();
  }

  socket.onopen = () => {
    if (session.user) {
      return session.authenticated(session.user, session.tokenHash);
    }
    authTimer = setTimeout(
      () => session.end(CLOSE.policy, "auth timeout"),
      AUTH_TIMEOUT_MS,
    );
  };
  socket.onmessage = (e) => onMessage(e.data);
  socket.onclose = cleanup;
  socket.onerror = () => {};

  return {
    end: session.end,
    async shutdown(code, reason) {
      session.end(code, reason);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const wait = new Promise<void>((r) =>
        timer = setTimeout(r, CLOSE_WAIT_MS)
      );
      await Promise.race([closed.promise, wait]);
      clearTimeout(timer);
    },
  };
}
