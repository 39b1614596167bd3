import { toUserView, type User } from "../db/users.ts";
import { log } from "../log.ts";
import type { AppError } from "../shared/errors.ts";
import type { ServerFrame } from "../shared/protocol.ts";
import { CLOSE, errorFrame } from "./frames.ts";
import type { FeedItem } from "./room_feed.ts";

/** Backpressure limits of one socket. */
export type FlowLimits = {
  /** Bytes queued towards the client above which deliveries pause. */
  maxBufferedBytes: number;
  /** How long deliveries may stay paused before the socket is closed 1013. */
  slowCloseMs: number;
};

/** The limits production uses. */
export const DEFAULT_FLOW: FlowLimits = {
  maxBufferedBytes: 1024 * 1024,
  slowCloseMs: 10_000,
};

/** How often a paused socket's buffer is looked at; WebSocket has no "drain" event. */
const POLL_MS = 50;

/**
 * A server close waits until the client has sent nothing for this long. Deno drops a server
 * socket, unread frames and all, as soon as a frame arrives after its close frame; the reset
 * then destroys the close frame on the client's side, which sees 1006 instead of our code.
 */
export const CLOSE_QUIET_MS = 100;

/** A client that never stops sending is closed anyway after this long (it may see 1006). */
export const CLOSE_LINGER_MS = 1_000;

/** Says whether a socket may sign in as `user`: null, or why not (e.g. too many sockets). */
export type OnAuth = (
  user: User,
  tokenHash: string | null,
) => AppError | null | void;

/** A socket's subscription to one room, as the hub hands it out. */
export type Subscription = {
  stop(): void;
  resume(): void;
  /** A peek: the socket reads the room without being a member (no typing, no presence). */
  readOnly?: boolean;
};

/**
 * Sockets opened from an embed site (an origin only some rooms list), noted against the
 * socket itself when it is upgraded, so the session built around it later knows.
 */
const embedOrigins = new WeakMap<WebSocket, string>();

/** Marks an upgraded socket as opened from `origin`: only rooms listing it will serve it. */
export function restrictToEmbedOrigin(socket: WebSocket, origin: string) {
  embedOrigins.set(socket, origin);
}

/** The state and outlets of one socket that frame handlers work on. */
export type Session = {
  user: User | null;
  /** The embed site the socket was opened from, or null when it may use any room. */
  embedOrigin: string | null;
  /** SHA-256 of the token the socket signed in with (never the token), if any. */
  tokenHash: string | null;
  /** Room id → its subscription. */
  subs: Map<string, Subscription>;
  /** Whether the socket is open and not closing; handlers check it after every await. */
  isOpen(): boolean;
  send(frame: ServerFrame): void;
  /** Closes with `code` once the client is quiet (see CLOSE_QUIET_MS); the first call wins. */
  end(code: number, reason: string): void;
  /** Notes that a frame arrived, so a pending close keeps waiting for quiet. */
  heard(): void;
  /** Sends a feed event unless the socket is backed up; false means "offer it again later". */
  deliver(item: FeedItem): boolean;
  /** Sends an already serialised frame (shared by many sockets); dropped when backed up. */
  sendText(text: string): void;
  /** The user's own notification stream subscription, if any. */
  userSub: Subscription | null;
  /** The inbox's followers of the user's rooms, if subscribed. */
  inbox: { follow(roomId: string): Promise<void>; stop(): void } | null;
  /** The presence status this connection asked for. */
  status: "online" | "away" | "dnd";
  /** Signs the socket in and sends `ready`, unless `onAuth` refuses (error frame, 1008). */
  authenticated(user: User, tokenHash: string | null): void;
  /** Stops the backpressure and close timers; idempotent. */
  dispose(): void;
};

/** Builds the session object handlers act on: sending, closing, delivery with backpressure. */
export function createSession(
  socket: WebSocket,
  opts: {
    user: User | null;
    tokenHash?: string | null;
    isolate: string;
    flow: FlowLimits;
  },
  onAuth: OnAuth,
): Session {
  const { maxBufferedBytes, slowCloseMs } = opts.flow;
  let closing = false;
  let lastHeard = -Infinity;
  let linger: ReturnType<typeof setTimeout> | undefined;
  const open = () => !closing && socket.readyState === WebSocket.OPEN;
  let poll: ReturnType<typeof setInterval> | undefined;

  function closeNow(code: number, reason: string) {
    linger = undefined;
    if (socket.readyState > WebSocket.OPEN) return;
    try {
      socket.close(code, reason);
    } catch (err) {
      log.warn("ws.close_failed", { error: String(err) });
    }
  }

  function stopPoll() {
    clearInterval(poll);
    poll = undefined;
  }

  // Paused subscriptions keep their cursors, so resuming (or reconnecting) loses nothing.
  function pause() {
    if (poll !== undefined) return;
    const since = Date.now();
    poll = setInterval(() => {
      if (!open()) return stopPoll();
      if (socket.bufferedAmount <= maxBufferedBytes / 2) {
        stopPoll();
        for (const sub of session.subs.values()) sub.resume();
        session.userSub?.resume();
      } else if (Date.now() - since > slowCloseMs) {
        stopPoll();
        session.end(CLOSE.slow, "too slow; resubscribe with after");
      }
    }, POLL_MS);
  }

  const session: Session = {
    user: opts.user,
    embedOrigin: embedOrigins.get(socket) ?? null,
    tokenHash: opts.tokenHash ?? null,
    subs: new Map(),
    isOpen: open,
    send(frame) {
      if (open()) socket.send(JSON.stringify(frame));
    },
    end(code, reason) {
      if (closing || socket.readyState > WebSocket.OPEN) return;
      closing = true;
      const since = performance.now();
      const attempt = () => {
        const quiet = performance.now() - lastHeard;
        if (quiet >= CLOSE_QUIET_MS) return closeNow(code, reason);
        if (performance.now() - since >= CLOSE_LINGER_MS) {
          return closeNow(code, reason);
        }
        linger = setTimeout(attempt, CLOSE_QUIET_MS - quiet);
      };
      attempt();
    },
    heard() {
      lastHeard = performance.now();
    },
    deliver(item) {
      if (!open()) return true;
      if (poll !== undefined || socket.bufferedAmount > maxBufferedBytes) {
        pause();
        return false;
      }
      socket.send(item.text);
      return true;
    },
    sendText(text) {
      // Ephemeral frames (typing, presence, receipts) are dropped, not queued, when backed up.
      if (open() && socket.bufferedAmount <= maxBufferedBytes) {
        socket.send(text);
      }
    },
    userSub: null,
    inbox: null,
    status: "online",
    authenticated(u, tokenHash) {
      const refused = onAuth(u, tokenHash);
      if (refused) {
        session.send(errorFrame(refused, {}));
        return session.end(CLOSE.policy, refused.code.replaceAll("_", " "));
      }
      session.user = u;
      session.tokenHash = tokenHash;
      session.send({
        type: "ready",
        user: toUserView(u),
        isolate: opts.isolate,
      });
    },
    dispose() {
      stopPoll();
      clearTimeout(linger);
      linger = undefined;
    },
  };
  return session;
}
