import { toUserView, type User } from "../db/users.ts";
import { log } from "../log.ts";
import type { ServerFrame } from "../shared/protocol.ts";
import { CLOSE } from "./frames.ts";
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

/** A socket's subscription to one room, as the hub hands it out. */
export type Subscription = { stop(): void; resume(): void };

/** The state and outlets of one socket that frame handlers work on. */
export type Session = {
  user: User | null;
  /** Room id → its subscription. */
  subs: Map<string, Subscription>;
  /** Whether the socket is open; handlers check it again after every await. */
  isOpen(): boolean;
  send(frame: ServerFrame): void;
  end(code: number, reason: string): void;
  /** Sends a feed event unless the socket is backed up; false means "offer it again later". */
  deliver(item: FeedItem): boolean;
  /** Sends an already serialised frame (shared by many sockets); dropped when backed up. */
  sendText(text: string): void;
  /** The user's own notification stream subscription, if any. */
  userSub: Subscription | null;
  /** The presence status this connection asked for. */
  status: "online" | "away" | "dnd";
  authenticated(user: User): void;
  /** Stops the backpressure timer; idempotent. */
  dispose(): void;
};

/** Builds the session object handlers act on: sending, closing, delivery with backpressure. */
export function createSession(
  socket: WebSocket,
  opts: { user: User | null; isolate: string; flow: FlowLimits },
  onAuth: () => void,
): Session {
  const { maxBufferedBytes, slowCloseMs } = opts.flow;
  const open = () => socket.readyState === WebSocket.OPEN;
  let poll: ReturnType<typeof setInterval> | undefined;

  // Paused subscriptions keep their cursors, so resuming (or reconnecting) loses nothing.
  function pause() {
    if (poll !== undefined) return;
    const since = Date.now();
    poll = setInterval(() => {
      if (!open()) return session.dispose();
      if (socket.bufferedAmount <= maxBufferedBytes / 2) {
        session.dispose();
        for (const sub of session.subs.values()) sub.resume();
        session.userSub?.resume();
      } else if (Date.now() - since > slowCloseMs) {
        session.dispose();
        session.end(CLOSE.slow, "too slow; resubscribe with after");
      }
    }, POLL_MS);
  }

  const session: Session = {
    user: opts.user,
    subs: new Map(),
    isOpen: open,
    send(frame) {
      if (open()) socket.send(JSON.stringify(frame));
    },
    end(code, reason) {
      if (socket.readyState > WebSocket.OPEN) return;
      try {
        socket.close(code, reason);
      } catch (err) {
        log.warn("ws.close_failed", { error: String(err) });
      }
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
    status: "online",
    authenticated(u) {
      session.user = u;
      onAuth();
      session.send({
        type: "ready",
        user: toUserView(u),
        isolate: opts.isolate,
      });
    },
    dispose() {
      clearInterval(poll);
      poll = undefined;
    },
  };
  return session;
}
