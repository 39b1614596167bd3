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

const OPEN = WebSocket.OPEN;

// The most bytes `text` can add to a socket's buffer: a UTF-16 unit is at most 3 bytes of
// UTF-8 (a surrogate pair, 2 units, is 4), and Deno's `bufferedAmount` counts payloads only.
const maxBytesOf = (text: string) => text.length * 3;

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
  readonly subs: Map<string, Subscription>;
  /** Whether the socket is open and not closing; handlers check it after every await. */
  isOpen(): boolean;
  send(frame: ServerFrame): void;
  /** Closes with `code` once the client is quiet (see CLOSE_QUIET_MS); the first call wins. */
  end(code: number, reason: string): void;
  /** Notes that a frame arrived, so a pending close keeps waiting for quiet. */
  heard(): void;
  /** Sends a feed event unless backed up; false means "offer it again later". Bound. */
  readonly deliver: (item: FeedItem) => boolean;
  /** Sends a frame serialised once for many sockets; dropped when backed up. Bound. */
  readonly sendText: (text: string) => void;
  /** The user's own notification stream subscription, if any. */
  userSub: Subscription | null;
  /** The inbox's followers of the user's rooms, if subscribed. */
  inbox: { follow(roomId: string): Promise<void>; stop(): void } | null;
  /** The presence status this connection asked for. */
  status: "online" | "away" | "dnd";
  /** Signs the socket in and sends `ready`, unless `onAuth` refuses (error frame, 1008). */
  authenticated(user: User, tokenHash: string | null): void;
  /** Stops the backpressure and close timers and every subscription; idempotent. */
  dispose(): void;
};

/** Options of createSession. */
export type SessionOptions = {
  user: User | null;
  tokenHash?: string | null;
  isolate: string;
  flow: FlowLimits;
};

/**
 * One socket's session. Its methods live on the prototype and its map and bound callbacks
 * are made on first use, so an idle signed-in socket costs one object; a connection extends
 * it rather than holding one (connection.ts).
 */
export class SocketSession implements Session {
  user: User | null;
  embedOrigin: string | null;
  tokenHash: string | null;
  userSub: Subscription | null = null;
  inbox: Session["inbox"] = null;
  status: Session["status"] = "online";
  readonly #socket: WebSocket;
  readonly #isolate: string;
  readonly #flow: FlowLimits;
  readonly #onAuth: OnAuth | undefined;
  #subs: Map<string, Subscription> | undefined;
  #deliver: Session["deliver"] | undefined;
  #sendText: Session["sendText"] | undefined;
  #closing = false;
  // Whole milliseconds: a small integer is stored in the object, a fraction in a box of its own.
  #lastHeard = -CLOSE_QUIET_MS;
  #linger: ReturnType<typeof setTimeout> | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  /**
   * Bytes that may still be sent before `bufferedAmount` must be read again: what was below
   * the limit at the last read, less an upper bound of every byte sent since. The buffer only
   * grows by sends, so while a frame fits, the buffer is known to be under the limit.
   */
  #headroom = 0;

  constructor(socket: WebSocket, opts: SessionOptions, onAuth?: OnAuth) {
    this.#socket = socket;
    this.#isolate = opts.isolate;
    this.#flow = opts.flow;
    this.#onAuth = onAuth;
    this.user = opts.user;
    this.tokenHash = opts.tokenHash ?? null;
    this.embedOrigin = embedOrigins.get(socket) ?? null;
  }

  get subs(): Map<string, Subscription> {
    return this.#subs ??= new Map();
  }

  get deliver(): Session["deliver"] {
    return this.#deliver ??= (item) => this.#offer(item.text);
  }

  get sendText(): Session["sendText"] {
    return this.#sendText ??= (text) => {
      // Ephemeral frames (typing, presence, receipts) are dropped, not queued, when backed up.
      if (this.isOpen() && this.#hasRoom(text)) this.#write(text);
    };
  }

  isOpen(): boolean {
    return !this.#closing && this.#socket.readyState === OPEN;
  }

  send(frame: ServerFrame): void {
    if (this.isOpen()) this.#write(JSON.stringify(frame));
  }

  end(code: number, reason: string): void {
    if (this.#closing || this.#socket.readyState > OPEN) return;
    this.#closing = true;
    this.#closeWhenQuiet(code, reason, performance.now());
  }

  heard(): void {
    this.#lastHeard = Math.ceil(performance.now());
  }

  authenticated(user: User, tokenHash: string | null): void {
    const refused = this.admit(user, tokenHash);
    if (refused) {
      this.send(errorFrame(refused, {}));
      return this.end(CLOSE.policy, refused.code.replaceAll("_", " "));
    }
    this.user = user;
    this.tokenHash = tokenHash;
    this.send({
      type: "ready",
      user: toUserView(user),
      isolate: this.#isolate,
    });
  }

  dispose(): void {
    this.#stopPoll();
    clearTimeout(this.#linger);
    this.#linger = undefined;
    for (const sub of this.#subs?.values() ?? []) sub.stop();
    this.#subs?.clear();
    this.userSub?.stop();
    this.userSub = null;
    this.inbox?.stop();
    this.inbox = null;
  }

  /** Whether `user` may sign in on this socket: null, or why not. */
  protected admit(
    user: User,
    tokenHash: string | null,
  ): AppError | null | void {
    return this.#onAuth?.(user, tokenHash);
  }

  // Paused subscriptions keep their cursors, so resuming (or reconnecting) loses nothing.
  #offer(text: string): boolean {
    if (!this.isOpen()) return true;
    if (this.#poll !== undefined || !this.#hasRoom(text)) {
      this.#pause();
      return false;
    }
    this.#write(text);
    return true;
  }

  /** Whether the buffer is at most the limit, reading it only when `text` may not fit. */
  #hasRoom(text: string): boolean {
    if (maxBytesOf(text) <= this.#headroom) return true;
    return this.#measure() <= this.#flow.maxBufferedBytes;
  }

  /** Reads the socket's buffer (an op call in Deno) and resets the headroom from it. */
  #measure(): number {
    const buffered = this.#socket.bufferedAmount;
    this.#headroom = this.#flow.maxBufferedBytes - buffered;
    return buffered;
  }

  /** Every send goes through here, so the headroom stays an upper bound. */
  #write(text: string): void {
    this.#headroom -= maxBytesOf(text);
    this.#socket.send(text);
  }

  #pause(): void {
    if (this.#poll !== undefined) return;
    const since = Date.now();
    this.#poll = setInterval(() => this.#checkDrained(since), POLL_MS);
  }

  #checkDrained(since: number): void {
    if (!this.isOpen()) return this.#stopPoll();
    const { maxBufferedBytes, slowCloseMs } = this.#flow;
    if (this.#measure() <= maxBufferedBytes / 2) {
      this.#stopPoll();
      for (const sub of this.#subs?.values() ?? []) sub.resume();
      this.userSub?.resume();
    } else if (Date.now() - since > slowCloseMs) {
      this.#stopPoll();
      this.end(CLOSE.slow, "too slow; resubscribe with after");
    }
  }

  #stopPoll(): void {
    clearInterval(this.#poll);
    this.#poll = undefined;
  }

  #closeWhenQuiet(code: number, reason: string, since: number): void {
    const quiet = performance.now() - this.#lastHeard;
    const lingered = performance.now() - since >= CLOSE_LINGER_MS;
    if (quiet >= CLOSE_QUIET_MS || lingered) {
      return this.#closeNow(code, reason);
    }
    this.#linger = setTimeout(
      () => this.#closeWhenQuiet(code, reason, since),
      CLOSE_QUIET_MS - quiet,
    );
  }

  #closeNow(code: number, reason: string): void {
    this.#linger = undefined;
    if (this.#socket.readyState > OPEN) return;
    try {
      this.#socket.close(code, reason);
    } catch (err) {
      log.warn("ws.close_failed", { error: String(err) });
    }
  }
}

/** Builds the session object handlers act on: sending, closing, delivery with backpressure. */
export function createSession(
  socket: WebSocket,
  opts: SessionOptions,
  onAuth: OnAuth,
): Session {
  return new SocketSession(socket, opts, onAuth);
}
