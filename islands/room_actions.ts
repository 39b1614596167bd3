import type { ClientFrame } from "../lib/shared/protocol.ts";
import type { MessageCategory } from "../lib/shared/schemas.ts";
import type { ApiResult } from "./api_client.ts";
import type { RoomApi } from "./room_api.ts";
import type { RoomAction } from "./room_reducer.ts";
import type { PendingSend, RoomState } from "./room_state.ts";

/** How often a `typing` frame may be sent while someone keeps typing. */
export const TYPING_EVERY_MS = 2000;

/** What room actions need from the hook that owns the room. */
export type ActionDeps = {
  roomId: string;
  api: RoomApi;
  state(): RoomState;
  dispatch(a: RoomAction): void;
  /** Sends over the tab's socket; false when it is not live. */
  send(frame: ClientFrame): boolean;
  notify(message: string): void;
  now(): number;
};

/** A fresh idempotency key; getRandomValues works where randomUUID (secure contexts only) does not. */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The socket frame that (re)sends a pending message with its original clientId. */
export function sendFrame(roomId: string, p: PendingSend): ClientFrame {
  return {
    type: "message.send",
    room: roomId,
    text: p.text,
    clientId: p.clientId,
    category: p.category,
    ...(p.threadRoot ? { threadRoot: p.threadRoot } : {}),
  };
}

/** Everything a person can do in a room, bound to one room's state and connections. */
export function createRoomActions(d: ActionDeps) {
  let typingAt = -Infinity;
  let readSeq = 0;
  const report = async (call: Promise<ApiResult<unknown>>) => {
    const r = await call;
    if (!r.ok) d.notify(r.message);
    return r.ok;
  };
  return {
    /** Queues a message and sends it now if the socket is live (else when it is again). */
    send(text: string, category: MessageCategory, threadRoot: number | null) {
      const pending: PendingSend = {
        clientId: newClientId(),
        text,
        createdAt: new Date(d.now()).toISOString(),
        threadRoot,
        category,
        state: "sending",
      };
      d.dispatch({ type: "send", pending });
      d.send(sendFrame(d.roomId, pending));
      typingAt = -Infinity;
    },
    /** Sends a failed message again with the same clientId, so it is stored at most once. */
    retry(p: PendingSend) {
      d.dispatch({ type: "retry", clientId: p.clientId });
      d.send(sendFrame(d.roomId, p));
    },
    /** Re-sends every message still waiting, after the socket came back. */
    resendPending() {
      for (const p of d.state().pending) {
        if (p.state === "sending") d.send(sendFrame(d.roomId, p));
      }
    },
    /** Tells the room the viewer is typing, at most every two seconds. */
    typing() {
      if (d.now() - typingAt < TYPING_EVERY_MS) return;
      if (d.send({ type: "typing", room: d.roomId })) typingAt = d.now();
    },
    /** Marks the room read up to `seq` when that moves the mark forward. */
    markRead(seq: number) {
      if (seq <= readSeq) return;
      if (d.send({ type: "read.mark", room: d.roomId, seq })) readSeq = seq;
    },
    edit: (seq: number, text: string) => report(d.api.edit(seq, text)),
    remove: (seq: number) => report(d.api.remove(seq)),
    react: (seq: number, emoji: string, on: boolean) =>
      report(d.api.react(seq, emoji, on)),
    pin: (seq: number, pinned: boolean) => report(d.api.pin(seq, pinned)),
    /** Opens a thread at once from what is held, then fills it from the server. */
    async openThread(rootSeq: number) {
      d.dispatch({ type: "threadOpen", rootSeq });
      const r = await d.api.thread(rootSeq);
      if (r.ok) d.dispatch({ type: "threadLoaded", ...r.data });
      else d.notify(r.message);
    },
    closeThread: () => d.dispatch({ type: "threadClose" }),
  };
}

/** The bound actions of one room. */
export type RoomActions = ReturnType<typeof createRoomActions>;
