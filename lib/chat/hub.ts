import type { Message } from "../db/messages.ts";
import type { User } from "../db/users.ts";
import { log } from "../log.ts";
import type { Services } from "../services/mod.ts";
import { type Connection, openConnection } from "./connection.ts";
import { CLOSE } from "./frames.ts";
import { DEFAULT_FLOW, type FlowLimits, type Subscription } from "./session.ts";
import {
  createRoomFeed,
  type FeedSubscriber,
  type RoomFeed,
} from "./room_feed.ts";

/** The BroadcastChannel isolates use to hint each other that a room's head moved. */
export const ROOMS_CHANNEL = "vicinity:rooms";

/** The per-isolate fan-out hub: local sockets, one feed per room they watch, and hints. */
export type Hub = {
  /** A random id for this isolate, sent in `ready`. */
  readonly isolate: string;
  /** Wakes the room's local feed and hints every other isolate; called after a commit. */
  notify(roomId: string, seq: number): void;
  /** Ends a user's subscriptions to a room here and, over the channel, on every isolate. */
  memberLeft(roomId: string, userId: string): void;
  /** Takes over an upgraded socket; `user` is null when it must send an `auth` frame. */
  accept(socket: WebSocket, user: User | null): void;
  /** Adds a local subscriber at `cursor`; the feed offers it seq cursor+1 onwards. */
  subscribe(
    roomId: string,
    cursor: number,
    deliver: (m: Message) => boolean,
  ): Subscription;
  /** Closes every socket with 1001 and stops every watch and the channel. */
  close(): Promise<void>;
};

/** Builds this isolate's hub; `flow` overrides backpressure limits (tests use small ones). */
export function createHub({ kv, services, flow }: {
  kv: Deno.Kv;
  services: Services;
  flow?: Partial<FlowLimits>;
}): Hub {
  const limits: FlowLimits = { ...DEFAULT_FLOW, ...flow };
  const isolate = crypto.randomUUID().slice(0, 8);
  const feeds = new Map<string, RoomFeed>();
  const connections = new Set<Connection>();
  const channel = new BroadcastChannel(ROOMS_CHANNEL);
  let closed = false;

  const dropLocal = (roomId: string, userId: string) => {
    for (const c of connections) c.dropRoom(roomId, userId);
  };

  // At-most-once: a lost head hint costs latency, never a message (kv.watch is the truth).
  channel.onmessage = (e: MessageEvent) => {
    const { room, seq, left } = (e.data ?? {}) as Record<string, unknown>;
    if (typeof room !== "string") return;
    if (typeof seq === "number") feeds.get(room)?.hint(seq);
    if (typeof left === "string") dropLocal(room, left);
  };

  const hub: Hub = {
    isolate,
    notify(roomId, seq) {
      if (closed) return;
      feeds.get(roomId)?.hint(seq);
      channel.postMessage({ room: roomId, seq });
    },
    memberLeft(roomId, userId) {
      if (closed) return;
      dropLocal(roomId, userId);
      channel.postMessage({ room: roomId, left: userId });
    },
    accept(socket, user) {
      const conn = openConnection(socket, user, {
        services,
        isolate,
        flow: limits,
        subscribe: hub.subscribe,
        onClosed: () => connections.delete(conn),
      });
      connections.add(conn);
      if (closed) void conn.shutdown(CLOSE.shutdown, "server shutting down");
    },
    subscribe(roomId, cursor, deliver) {
      if (closed) return { stop() {}, resume() {} };
      let feed = feeds.get(roomId);
      if (!feed) {
        feed = createRoomFeed(kv, services.repos.messages, roomId);
        feeds.set(roomId, feed);
      }
      const sub: FeedSubscriber = { cursor, deliver };
      const own = feed;
      own.add(sub);
      return {
        stop() {
          // The last local subscriber leaving stops the room's watch.
          if (own.remove(sub) > 0 || feeds.get(roomId) !== own) return;
          feeds.delete(roomId);
          void own.stop();
        },
        resume: () => own.hint(0),
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      const reason = "server shutting down";
      await Promise.all(
        [...connections].map((c) => c.shutdown(CLOSE.shutdown, reason)),
      );
      await Promise.all([...feeds.values()].map((f) => f.stop()));
      feeds.clear();
      channel.close();
      log.debug("hub.closed", { isolate });
    },
  };
  return hub;
}
