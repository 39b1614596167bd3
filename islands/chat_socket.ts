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

/** Callbacks a ChatSocket reports to. */
export type ChatSocketHandlers = {
  status(s: SocketStatus): void;
  /** The subscription is (again) in place: the moment to re-send unconfirmed messages. */
  live(): void;
  frame(f: ServerFrame): void;
};

/**
 * One room's WebSocket: waits for `ready`, subscribes after the last seq held, and reconnects
 * by itself with capped exponential backoff until closed.
 */
export class ChatSocket {
  #ws: WebSocket | null = null;
  #live = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #heardAt = 0;

  constructor(
    readonly url: string,
    readonly room: string,
    readonly after: () => number,
    readonly on: ChatSocketHandlers,
  ) {}

  /** Opens the connection. */
  start(): void {
    this.#connect();
  }

  /** Sends a frame if the subscription is live; false means "not now, resend on live". */
  send(frame: ClientFrame): boolean {
    if (!this.#live || this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  /** Skips the remaining backoff, e.g. when the browser comes back online. */
  reconnectNow(): void {
    if (this.#closed || this.#ws) return;
    clearTimeout(this.#timer);
    this.#connect();
  }

  /** Treats the connection as lost (the browser went offline) and starts reconnecting. */
  drop(): void {
    const ws = this.#ws;
    if (!ws) return;
    this.#drop(ws);
    ws.close();
  }

  /** Closes for good; no reconnection follows. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#heartbeat);
    this.#ws?.close(1000);
    this.#ws = null;
  }

  #connect(): void {
    const ws = new WebSocket(this.url);
    this.#ws = ws;
    this.#heardAt = Date.now();
    ws.onmessage = (ev) => {
      this.#heardAt = Date.now();
      this.#receive(ev.data);
    };
    ws.onclose = () => this.#drop(ws);
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => {
      // A half-open connection may not report its close for minutes; silence is the signal.
      if (Date.now() - this.#heardAt > HEARTBEAT.deadAfterMs) {
        this.drop();
      } else if (this.#live) ws.send(JSON.stringify({ type: "ping" }));
    }, HEARTBEAT.everyMs);
  }

  #drop(ws: WebSocket): void {
    if (this.#ws !== ws) return;
    this.#ws = null;
    this.#live = false;
    clearInterval(this.#heartbeat);
    if (this.#closed) return;
    this.on.status("offline");
    this.#timer = setTimeout(() => this.#connect(), backoffMs(this.#attempt++));
  }

  #receive(data: unknown): void {
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch {
      return;
    }
    const parsed = ServerFrameSchema.safeParse(raw);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === "ready") {
      this.#ws?.send(JSON.stringify(
        { type: "subscribe", room: this.room, after: this.after() },
      ));
      // Frames are handled in order, so sends queued behind the subscribe are safe now.
      this.#live = true;
      this.#attempt = 0;
      this.on.status("live");
      this.on.live();
    } else {
      this.on.frame(frame);
    }
  }
}
