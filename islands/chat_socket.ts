import {
  type ClientFrame,
  type ServerFrame,
  ServerFrameSchema,
} from "../lib/shared/protocol.ts";

/** What the chat shows about its connection. */
export type SocketStatus = "connecting" | "live" | "offline";

/** Longest wait between reconnection attempts, in milliseconds. */
export const MAX_BACKOFF_MS = 30_000;

/** How often an idle connection is pinged, and how long silence may last before it is dropped. */
export const HEARTBEAT = { everyMs: 25_000, deadAfterMs: 60_000 } as const;

/** The delay before reconnection attempt `n` (0-based): doubling from 500 ms, capped, with jitter. */
export function backoffMs(n: number, random = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** n);
  return Math.round(base / 2 + random() * base / 2);
}

/** A place in an event stream to resume from: the last seq applied and its epoch. */
export type StreamPosition = { after: number; epoch: string };

/** What one room registers with the tab's socket. */
export type RoomChannel = {
  /** Where to resume the room's events, or null to start from the head. */
  position(): StreamPosition | null;
  /** Every frame about this room (events, acks, typing, presence, receipts, errors). */
  frame(f: ServerFrame): void;
  /** The room is subscribed again: the moment to re-send unconfirmed messages. */
  live(): void;
};

/** The viewer's personal notification stream. */
export type StreamChannel = {
  position(): StreamPosition | null;
  frame(f: ServerFrame): void;
};

/**
 * The viewer's inbox: inbox.subscribed, inbox.activity and inbox.removed, plus the frames of
 * their own stream it acts on (inbox.changed, notification.new).
 */
export type InboxChannel = {
  frame(f: ServerFrame): void;
};

/** The part of a WebSocket the tab socket uses (a fake one in tests). */
export type SocketLike = {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
};

/** Clocks, timers, randomness and the socket constructor, injectable for tests. */
export type SocketEnv = {
  connect(url: string): SocketLike;
  now(): number;
  random(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
};

const OPEN = 1;

/** The browser's own timers and WebSocket. */
export function browserEnv(): SocketEnv {
  return {
    connect: (url) => new WebSocket(url) as unknown as SocketLike,
    now: Date.now,
    random: Math.random,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id as number),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (id) => clearInterval(id as number),
  };
}

/**
 * One WebSocket for every room a tab shows: waits for `ready`, subscribes each room from its
 * own position, routes frames to the room they concern, pings while idle and reconnects with
 * capped, jittered backoff until closed.
 */
export class TabSocket {
  #ws: SocketLike | null = null;
  #live = false;
  #attempt = 0;
  #timer: unknown;
  #heartbeat: unknown;
  #heardAt = 0;
  #closed = false;
  #status: SocketStatus = "connecting";
  #rooms = new Map<string, RoomChannel>();
  #stream: StreamChannel | null = null;
  #inboxes = new Set<InboxChannel>();
  #listeners = new Set<(s: SocketStatus) => void>();
  readonly #env: SocketEnv;

  constructor(readonly url: string, env: SocketEnv = browserEnv()) {
    this.#env = env;
  }

  /** The connection's state now. */
  get status(): SocketStatus {
    return this.#status;
  }

  /** Calls `fn` on every status change; returns the way to stop. */
  onStatus(fn: (s: SocketStatus) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Subscribes a room (now if live, else on the next `ready`); returns the way to leave it. */
  join(room: string, channel: RoomChannel): () => void {
    this.#rooms.set(room, channel);
    if (this.#live) this.#subscribe(room, channel);
    this.#ensureConnecting();
    return () => {
      if (this.#rooms.get(room) !== channel) return;
      this.#rooms.delete(room);
      this.send({ type: "unsubscribe", room });
    };
  }

  /** Follows the viewer's notification stream; returns the way to stop. */
  watchNotifications(channel: StreamChannel): () => void {
    this.#stream = channel;
    if (this.#live) this.#subscribeStream(channel);
    this.#ensureConnecting();
    return () => {
      if (this.#stream === channel) this.#stream = null;
    };
  }

  /**
   * Follows the viewer's inbox: sends `inbox.subscribe` now if live and again after every
   * reconnect (the inbox is not resumable: each `inbox.subscribed` means "refetch"), and
   * keeps the viewer's own stream subscribed for inbox.changed. Returns the way to stop.
   */
  watchInbox(channel: InboxChannel): () => void {
    this.#inboxes.add(channel);
    if (this.#live) this.#subscribeInbox(this.#inboxes.size === 1);
    this.#ensureConnecting();
    return () => void this.#inboxes.delete(channel);
  }

  /** Sends a frame if the connection is live; false means "not now, resend when live". */
  send(frame: ClientFrame): boolean {
    if (!this.#live || this.#ws?.readyState !== OPEN) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  /** Skips the remaining backoff, e.g. when the browser comes back online. */
  reconnectNow(): void {
    if (this.#closed || this.#ws) return;
    this.#env.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#connect();
  }

  /** Treats the connection as lost (the browser went offline) and starts reconnecting. */
  drop(): void {
    const ws = this.#ws;
    if (!ws) return;
    this.#lost(ws);
    ws.close();
  }

  /** Closes for good; no reconnection follows. */
  close(): void {
    this.#closed = true;
    this.#env.clearTimeout(this.#timer);
    this.#env.clearInterval(this.#heartbeat);
    this.#ws?.close(1000);
    this.#ws = null;
    this.#live = false;
  }

  #setStatus(s: SocketStatus): void {
    if (s === this.#status) return;
    this.#status = s;
    for (const fn of this.#listeners) fn(s);
  }

  #ensureConnecting(): void {
    if (!this.#closed && !this.#ws && this.#timer === undefined) {
      this.#connect();
    }
  }

  #connect(): void {
    this.#timer = undefined;
    const ws = this.#env.connect(this.url);
    this.#ws = ws;
    this.#heardAt = this.#env.now();
    ws.onmessage = (ev) => {
      this.#heardAt = this.#env.now();
      this.#receive(ev.data);
    };
    ws.onclose = () => this.#lost(ws);
    this.#env.clearInterval(this.#heartbeat);
    this.#heartbeat = this.#env.setInterval(() => {
      // A half-open connection may not report its close for minutes; silence is the signal.
      if (this.#env.now() - this.#heardAt > HEARTBEAT.deadAfterMs) this.drop();
      else this.send({ type: "ping" });
    }, HEARTBEAT.everyMs);
  }

  #lost(ws: SocketLike): void {
    if (this.#ws !== ws) return;
    this.#ws = null;
    this.#live = false;
    this.#env.clearInterval(this.#heartbeat);
    if (this.#closed) return;
    this.#setStatus("offline");
    const delay = backoffMs(this.#attempt++, this.#env.random);
    this.#timer = this.#env.setTimeout(() => this.#connect(), delay);
  }

  #subscribe(room: string, channel: RoomChannel): void {
    const at = channel.position();
    this.#ws?.send(JSON.stringify(
      at ? { type: "subscribe", room, ...at } : { type: "subscribe", room },
    ));
  }

  #subscribeStream(channel: StreamChannel): void {
    const at = channel.position();
    this.#ws?.send(JSON.stringify({ type: "notifications.subscribe", ...at }));
  }

  /** Subscribes the inbox; the stream too when nobody follows it yet (first inbox only). */
  #subscribeInbox(first: boolean): void {
    if (first && !this.#stream) {
      this.#ws?.send(JSON.stringify({ type: "notifications.subscribe" }));
    }
    this.#ws?.send(JSON.stringify({ type: "inbox.subscribe" }));
  }

  #onReady(): void {
    for (const [room, channel] of this.#rooms) this.#subscribe(room, channel);
    if (this.#stream) this.#subscribeStream(this.#stream);
    if (this.#inboxes.size) this.#subscribeInbox(true);
    // The server handles frames in order, so sends queued behind the subscribes are safe now.
    this.#live = true;
    this.#attempt = 0;
    this.#setStatus("live");
    for (const channel of [...this.#rooms.values()]) channel.live();
  }

  #toInboxes(f: ServerFrame): void {
    for (const channel of [...this.#inboxes]) channel.frame(f);
  }

  #receive(data: unknown): void {
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch {
      return;
    }
    const parsed = ServerFrameSchema.safeParse(raw);
    if (parsed.success) this.#route(parsed.data);
  }

  #route(f: ServerFrame): void {
    if (f.type === "ready") return this.#onReady();
    if (f.type === "pong") return;
    if (
      f.type === "notifications.subscribed" || f.type === "notification.new" ||
      f.type === "inbox.changed"
    ) {
      this.#stream?.frame(f);
      if (f.type !== "notifications.subscribed") this.#toInboxes(f);
      return;
    }
    if (
      f.type === "inbox.subscribed" || f.type === "inbox.activity" ||
      f.type === "inbox.removed"
    ) return this.#toInboxes(f);
    const room = "room" in f && f.room
      ? f.room
      : f.type === "message.ack"
      ? f.message.roomId
      : null;
    if (room) return this.#rooms.get(room)?.frame(f);
    // An error without a room (a failed send names only its clientId): every room checks it.
    for (const channel of this.#rooms.values()) channel.frame(f);
  }
}

let shared: TabSocket | null = null;

/** The tab's one socket, created on first use and kept for the life of the page. */
export function tabSocket(): TabSocket {
  if (shared) return shared;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new TabSocket(`${scheme}//${location.host}/api/v1/ws`);
  addEventListener("online", () => socket.reconnectNow());
  addEventListener("offline", () => socket.drop());
  shared = socket;
  return socket;
}
