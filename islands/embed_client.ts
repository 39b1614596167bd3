import * as z from "zod";
import type { EmbedAccess, EmbedUser } from "../lib/shared/embed_schemas.ts";
import { EmbedAccessSchema } from "../lib/shared/embed_schemas.ts";
import {
  ROOM_EVENT_TYPES,
  type RoomEventFrame,
  ServerFrameSchema,
} from "../lib/shared/protocol.ts";
import {
  MessageViewSchema,
  type RoomHeadView,
  RoomHeadViewSchema,
  UserViewSchema,
} from "../lib/shared/schemas.ts";
import type { MessageView } from "../lib/shared/schemas.ts";
import { backoffMs, HEARTBEAT } from "./chat_socket.ts";
import { callApi, readStored, store } from "./embed_api.ts";

/** How often a reader who has not signed in asks for new messages (no socket without a session). */
export const READER_POLL_MS = 10_000;

const EVENT_TYPES = new Set<string>(ROOM_EVENT_TYPES);
const SignedInSchema = z.object({ user: UserViewSchema, token: z.string() });
const HistorySchema = z.object({
  items: z.array(MessageViewSchema),
  head: RoomHeadViewSchema,
});

/** The embed's connection as it shows it. */
export type EmbedStatus = "idle" | "connecting" | "live" | "offline";

/** What the client tells the island. */
export type EmbedListener = {
  status(s: EmbedStatus): void;
  signedIn(user: EmbedUser, access: EmbedAccess): void;
  /** The session is gone (revoked, expired): back to reading anonymously. */
  signedOut(): void;
  event(f: RoomEventFrame): void;
  /** A fresh page of history after a resume that could not be replayed. */
  reload(items: MessageView[], head: RoomHeadView): void;
  ack(clientId: string, m: MessageView): void;
  /** A refused request: a send (with its clientId) or anything else. */
  refused(clientId: string | null, message: string): void;
};

/**
 * The frame's session and socket: a cookie where the browser sends one, else a bearer token
 * held in memory (and sessionStorage), sent as `Authorization` to the API and as the first
 * `auth` frame to the socket; one subscription to the room, resumed after every reconnect.
 */
export class EmbedClient {
  #token: string | null = null;
  #cookie = false;
  #ws: WebSocket | null = null;
  #live = false;
  #closed = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #after: number;
  #epoch: string;

  constructor(
    readonly roomId: string,
    head: RoomHeadView,
    readonly on: EmbedListener,
  ) {
    this.#after = head.seq;
    this.#epoch = head.epoch;
  }

  /** Picks up the page's cookie user, else a token this tab kept; anonymous otherwise. */
  async start(cookieUser: EmbedUser | null): Promise<void> {
    if (cookieUser) {
      this.#cookie = true;
      await this.#enter(cookieUser);
      return;
    }
    const token = readStored();
    if (token) {
      this.#token = token;
      const me = await this.#api("/me", UserViewSchema);
      if (me.ok && await this.#enter(me.data) === null) return;
      if (!me.ok && me.status === 401) this.#forget();
    }
    this.#readAlong();
  }

  /** Signs up as a guest under `displayName`; answers an error to show, or null. */
  async joinAsGuest(displayName: string): Promise<string | null> {
    const res = await this.#api(
      `/rooms/${this.roomId}/guests`,
      SignedInSchema,
      {
        displayName,
      },
    );
    if (!res.ok) return res.message;
    this.#adopt(res.data.token);
    return await this.#enter(res.data.user);
  }

  /** Signs in with a handle and password; answers an error to show, or null. */
  async signIn(handle: string, password: string): Promise<string | null> {
    const res = await this.#api("/auth/login", SignedInSchema, {
      handle,
      password,
    });
    if (!res.ok) return res.message;
    this.#adopt(res.data.token);
    return await this.#enter(res.data.user);
  }

  /** Sends a message; answers its clientId, or null when the socket is not live. */
  send(text: string): string | null {
    if (!this.#live || this.#ws?.readyState !== WebSocket.OPEN) return null;
    const clientId = crypto.randomUUID();
    this.#ws.send(JSON.stringify({
      type: "message.send",
      room: this.roomId,
      text,
      clientId,
    }));
    return clientId;
  }

  /** Closes for good. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#ping);
    clearInterval(this.#poll);
    this.#ws?.close(1000);
    this.#ws = null;
  }

  #adopt(token: string) {
    this.#token = token;
    this.#cookie = false;
    store(token);
  }

  #forget() {
    this.#token = null;
    store(null);
  }

  async #enter(user: EmbedUser): Promise<string | null> {
    const res = await this.#api(
      `/rooms/${this.roomId}/embed-join`,
      EmbedAccessSchema,
      {},
    );
    if (!res.ok) return res.message;
    clearInterval(this.#poll);
    this.#poll = undefined;
    this.on.signedIn(user, res.data.access);
    this.#connect();
    return null;
  }

  /** Keeps a reader without a session (so without a socket) up to date, while visible. */
  #readAlong(): void {
    if (this.#poll !== undefined || this.#closed) return;
    this.#poll = setInterval(() => {
      if (document.visibilityState !== "hidden" && !this.#ws) {
        void this.#readNew();
      }
    }, READER_POLL_MS);
  }

  async #readNew(): Promise<void> {
    const res = await this.#api(
      `/rooms/${this.roomId}/embed-messages?after=${this.#after}`,
      HistorySchema,
    );
    if (!res.ok || this.#ws) return;
    const { items, head } = res.data;
    for (const message of items) {
      this.on.event({
        type: "message.new",
        room: this.roomId,
        seq: message.seq,
        message,
      });
    }
    // A full page may stop short of the head: the next round goes on from its last message.
    const last = items.at(-1)?.seq ?? head.seq;
    this.#after = items.length >= 50 ? last : head.seq;
    this.#epoch = head.epoch;
  }

  #api<T>(path: string, schema: z.ZodType<T>, body?: unknown) {
    return callApi(path, schema, this.#cookie ? null : this.#token, body);
  }

  #connect(): void {
    if (this.#closed || this.#ws) return;
    this.on.status("connecting");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/api/v1/ws`);
    this.#ws = ws;
    ws.onopen = () => {
      if (!this.#cookie && this.#token) {
        ws.send(JSON.stringify({ type: "auth", token: this.#token }));
      }
    };
    ws.onmessage = (e) => this.#receive(ws, e.data);
    ws.onclose = () => this.#lost(ws);
    clearInterval(this.#ping);
    this.#ping = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}');
    }, HEARTBEAT.everyMs);
  }

  #lost(ws: WebSocket): void {
    if (this.#ws !== ws) return;
    this.#ws = null;
    this.#live = false;
    clearInterval(this.#ping);
    if (this.#closed) return;
    if (!this.#cookie && !this.#token) {
      this.on.status("idle");
      this.#readAlong();
      return this.on.signedOut();
    }
    this.on.status("offline");
    this.#timer = setTimeout(
      () => this.#connect(),
      backoffMs(this.#attempt++),
    );
  }

  async #reload(): Promise<void> {
    const res = await this.#api(
      `/rooms/${this.roomId}/messages?limit=50`,
      HistorySchema,
    );
    if (res.ok) this.on.reload(res.data.items, res.data.head);
  }

  #receive(ws: WebSocket, data: unknown): void {
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch {
      return;
    }
    const parsed = ServerFrameSchema.safeParse(raw);
    if (!parsed.success) return;
    const f = parsed.data;
    if (f.type === "ready") {
      ws.send(JSON.stringify({
        type: "subscribe",
        room: this.roomId,
        after: this.#after,
        epoch: this.#epoch,
      }));
    } else if (f.type === "subscribed" && f.room === this.roomId) {
      if (!f.recovered) void this.#reload();
      this.#after = f.seq;
      this.#epoch = f.epoch;
      this.#live = true;
      this.#attempt = 0;
      this.on.status("live");
    } else if (f.type === "message.ack") {
      this.on.ack(f.clientId, f.message);
    } else if (f.type === "error") {
      // A token that no longer signs in is dropped; the close that follows ends the socket.
      if (f.code === "unauthorized") this.#forget();
      this.on.refused(f.clientId ?? null, f.message);
    } else if (
      EVENT_TYPES.has(f.type) && "room" in f && f.room === this.roomId
    ) {
      const event = f as RoomEventFrame;
      this.#after = Math.max(this.#after, event.seq);
      this.on.event(event);
    }
  }
}
