import type { User } from "../db/users.ts";
import { log } from "../log.ts";
import { isLockError } from "../db/store.ts";
import type { Services } from "../services/mod.ts";
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
import { handleFrame, type HandlerDeps } from "./handlers.ts";
import type { Hub } from "./hub.ts";
import { createFrameBucket, type FrameBucket } from "./limits.ts";
import { type FlowLimits, type OnAuth, SocketSession } from "./session.ts";

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

/** Where a connection's frame chain rests while no frame is being handled. */
const IDLE: Promise<void> = Promise.resolve();

/**
 * One WebSocket session: optional first-frame auth, then frames validated and handled one
 * at a time in arrival order. Handlers never throw out; cleanup runs once. It is its own
 * session and its own handlers' deps, and everything not needed by an idle socket (the
 * frame bucket, the connection id, the close waiter) is made on first use.
 */
class SocketConnection extends SocketSession
  implements Connection, HandlerDeps {
  readonly #deps: ConnectionDeps;
  #authSeen: boolean;
  #pending = 0;
  #chain = IDLE;
  #authTimer: ReturnType<typeof setTimeout> | undefined;
  #bucket: FrameBucket | undefined;
  #connId: string | undefined;
  #closed: PromiseWithResolvers<void> | undefined;
  #cleaned = false;

  constructor(socket: WebSocket, user: User | null, deps: ConnectionDeps) {
    super(socket, {
      user,
      tokenHash: deps.tokenHash,
      isolate: deps.isolate,
      flow: deps.flow,
    });
    this.#deps = deps;
    this.#authSeen = user !== null;
  }

  get services(): Services {
    return this.#deps.services;
  }

  get hub(): Hub {
    return this.#deps.hub;
  }

  /** The id presence knows this connection by, made when presence first needs it. */
  get connId(): string {
    return this.#connId ??= crypto.randomUUID();
  }

  protected override admit(u: User, tokenHash: string | null) {
    clearTimeout(this.#authTimer);
    const refused = this.#deps.onAuthenticated?.(u, tokenHash);
    // Daily active users; seen() never rejects (its failures are logged).
    if (!refused) void this.#deps.services.stats.seen(u.id);
    return refused;
  }

  /** The socket opened: sign in the upgrade's user, or wait for an `auth` frame. */
  opened() {
    if (this.user) return this.authenticated(this.user, this.tokenHash);
    this.#authTimer = setTimeout(
      () => this.end(CLOSE.policy, "auth timeout"),
      AUTH_TIMEOUT_MS,
    );
  }

  /** A frame arrived: checked, parsed, then queued behind the ones before it. */
  received(data: unknown) {
    this.heard();
    // A closing socket reads on, unhandled, so its close frame is not lost (session.end).
    if (!this.isOpen()) return;
    // A reconnect's burst fits the bucket; a flood runs it dry, or piles up unhandled.
    this.#bucket ??= createFrameBucket();
    if (!this.#bucket.take() || this.#pending >= MAX_PENDING_FRAMES) {
      return this.end(CLOSE.policy, "too many frames");
    }
    if (typeof data !== "string") {
      return this.end(CLOSE.unsupported, "text frames only");
    }
    if (tooLarge(data, MAX_INBOUND_FRAME_BYTES)) {
      return this.end(CLOSE.tooBig, "frame too large");
    }
    const parsed = parseClientFrame(data);
    const frame = parsed.ok ? parsed.frame : parsed.error;
    if (!this.#authSeen && frame.type !== "auth") {
      return this.end(CLOSE.policy, "authenticate first");
    }
    this.#authSeen = true;
    this.#pending++;
    const ctx = parsed.ok ? contextOf(parsed.frame) : {};
    this.#chain = this.#chain.then(() => this.#run(frame, ctx))
      .catch((err) => {
        log.error("ws.fault", { error: String(err) });
        this.end(CLOSE.fault, "internal error");
      })
      .finally(() => {
        // The chain lets go of its last promise once nothing is queued.
        if (--this.#pending === 0) this.#chain = IDLE;
      });
  }

  async #run(frame: ClientFrame | ServerFrame, ctx: ErrorContext) {
    if (!this.isOpen()) return;
    if (frame.type === "error") return this.send(frame);
    try {
      await handleFrame(this, this, frame as ClientFrame);
    } catch (err) {
      if (err instanceof AppError) return this.send(errorFrame(err, ctx));
      // Isolates share one SQLite file; a read that hits its lock is worth a retry, not a close.
      if (isLockError(err)) return this.send(errorFrame(busy(), ctx));
      log.error("ws.fault", { type: frame.type, error: String(err) });
      this.end(CLOSE.fault, "internal error");
    }
  }

  /** The socket closed: stops everything it started and says goodbye, once. */
  cleanup() {
    if (this.#cleaned) return;
    this.#cleaned = true;
    clearTimeout(this.#authTimer);
    this.dispose();
    if (this.#connId) void this.hub.presence.disconnect(this.#connId);
    this.#closed?.resolve();
    this.#deps.onClosed();
  }

  async shutdown(code: number, reason: string) {
    this.end(code, reason);
    if (this.#cleaned) return;
    this.#closed ??= Promise.withResolvers<void>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wait = new Promise<void>((r) => timer = setTimeout(r, CLOSE_WAIT_MS));
    await Promise.race([this.#closed.promise, wait]);
    clearTimeout(timer);
  }
}

/** Each socket's connection, for the socket's event handlers, which all sockets share. */
const connections = new WeakMap<WebSocket, SocketConnection>();

function onOpen(this: WebSocket) {
  connections.get(this)?.opened();
}

function onMessage(this: WebSocket, e: MessageEvent) {
  connections.get(this)?.received(e.data);
}

function onClose(this: WebSocket) {
  connections.get(this)?.cleanup();
}

/**
 * Runs one WebSocket session: optional first-frame auth, then frames validated and handled
 * one at a time in arrival order. Handlers never throw out; cleanup runs once.
 */
export function openConnection(
  socket: WebSocket,
  user: User | null,
  deps: ConnectionDeps,
): Connection {
  const conn = new SocketConnection(socket, user, deps);
  connections.set(socket, conn);
  // No error handler: Deno follows every "error" event with "close", where cleanup runs.
  socket.onopen = onOpen;
  socket.onmessage = onMessage;
  socket.onclose = onClose;
  return conn;
}
