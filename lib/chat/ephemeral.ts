import { log } from "../log.ts";
import type { Clock } from "../shared/clock.ts";
import type { ServerFrame } from "../shared/protocol.ts";
import type { HintChannel } from "./presence.ts";

/** The BroadcastChannel name isolates relay typing and receipt frames over. */
export const EPHEMERAL_CHANNEL = "vicinity:ephemeral";

/** A person may send one typing frame per room this often. */
export const TYPING_INTERVAL_MS = 2_000;

/** Receives a relayed frame, serialised once for every listener, and the frame itself. */
export type EphemeralListener = (frameText: string, frame: ServerFrame) => void;

/** Options of createEphemeral. */
export type EphemeralOptions = {
  /** Relay to the other isolates, owned (and closed) by the relay; null = this isolate only. */
  channel: HintChannel | null;
  clock: Clock;
  typingIntervalMs?: number;
  /** Throttle entries kept at most; the oldest are forgotten first. */
  maxTracked?: number;
};

/**
 * Builds this isolate's relay for frames that are never stored (typing, read receipts):
 * at most once, to whoever listens to the room on any isolate right now.
 */
export function createEphemeral(opts: EphemeralOptions) {
  const { channel, clock } = opts;
  const interval = opts.typingIntervalMs ?? TYPING_INTERVAL_MS;
  const maxTracked = opts.maxTracked ?? 10_000;
  const rooms = new Map<string, Set<{ fn: EphemeralListener }>>();
  // user:room → when a typing frame was last allowed, oldest first (re-set on every allow).
  const typing = new Map<string, number>();
  let closed = false;

  function deliver(roomId: string, frame: ServerFrame) {
    const listeners = rooms.get(roomId);
    if (!listeners) return;
    const text = JSON.stringify(frame);
    for (const l of [...listeners]) {
      try {
        l.fn(text, frame);
      } catch (err) {
        log.warn("ephemeral.listener_failed", { roomId, error: String(err) });
      }
    }
  }

  if (channel) {
    channel.onmessage = (e: MessageEvent) => {
      const { room, frame } = (e.data ?? {}) as Record<string, unknown>;
      const type = (frame as { type?: unknown } | null)?.type;
      if (typeof room !== "string" || typeof type !== "string") return;
      deliver(room, frame as ServerFrame);
    };
  }

  return {
    /** Delivers a frame to the room's listeners here and posts it to the other isolates. */
    publish(roomId: string, frame: ServerFrame): void {
      if (closed) return;
      deliver(roomId, frame);
      try {
        channel?.postMessage({ room: roomId, frame });
      } catch { /* closed while shutting down: ephemeral frames may be lost */ }
    },

    /** Calls `fn` with every frame published for the room; returns the unlisten. */
    listen(roomId: string, fn: EphemeralListener): () => void {
      const listeners = rooms.get(roomId) ?? new Set();
      rooms.set(roomId, listeners);
      const l = { fn };
      listeners.add(l);
      return () => {
        listeners.delete(l);
        if (listeners.size === 0 && rooms.get(roomId) === listeners) {
          rooms.delete(roomId);
        }
      };
    },

    /** Whether a person may send a typing frame to a room now (one per interval). */
    allowTyping(userId: string, roomId: string): boolean {
      const now = clock.now();
      // Entries sit in allow order, so stale ones (and, when full, the oldest) are in front.
      for (const [k, at] of typing) {
        if (now - at < interval && typing.size < maxTracked) break;
        typing.delete(k);
      }
      const key = `${userId}:${roomId}`;
      const at = typing.get(key);
      if (at !== undefined && now - at < interval) return false;
      typing.delete(key);
      typing.set(key, now);
      return true;
    },

    /** Drops every listener and closes the channel; idempotent. */
    close(): void {
      if (closed) return;
      closed = true;
      rooms.clear();
      typing.clear();
      if (channel) {
        channel.onmessage = null;
        channel.close();
      }
    },
  };
}

/** This isolate's relay for typing indicators and read receipts. */
export type Ephemeral = ReturnType<typeof createEphemeral>;
