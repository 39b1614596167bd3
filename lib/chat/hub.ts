import { keys } from "../db/keys.ts";
import type { RoomEvent, RoomHead } from "../db/room_log.ts";
import type { UserHead } from "../db/user_stream.ts";
import type { User } from "../db/users.ts";
import { log } from "../log.ts";
import type { Services } from "../services/mod.ts";
import { type Connection, openConnection } from "./connection.ts";
import { createEphemeral, type Ephemeral } from "./ephemeral.ts";
import { CLOSE, toFeedItem } from "./frames.ts";
import type { ServerFrame } from "../shared/protocol.ts";
import type { SocketCaps } from "./limits.ts";
import { createPresence, type Presence } from "./presence.ts";
import {
  createLogFeed,
  type FeedItem,
  type FeedSource,
  type FeedSubscriber,
  type LogFeed,
} from "./room_feed.ts";
import { DEFAULT_FLOW, type FlowLimits, type Subscription } from "./session.ts";
import { createSocketRegistry } from "./sockets.ts";
import { createWatchPool } from "./watch_pool.ts";

/** The BroadcastChannel isolates use to hint each other that a room's head moved. */
export const ROOMS_CHANNEL = "vicinity:rooms";

/** The per-isolate fan-out hub: local sockets, one feed per log they follow, and hints. */
export type Hub = {
  /** A random id for this isolate, sent in `ready`. */
  readonly isolate: string;
  /** Presence of this isolate's connections, converging with every other isolate's. */
  readonly presence: Presence;
  /** Typing and receipts: delivered here and, over the channel, on other isolates. */
  readonly ephemeral: Ephemeral;
  /**
   * Wakes the room's local feed and hints every other isolate; called after a commit with
   * the events it appended, which feeds then deliver without reading them back from KV.
   */
  notify(roomId: string, seq: number, events?: RoomEvent[]): void;
  /** Closes a revoked session's sockets here and, over the channel, on other isolates. */
  revoked(userId: string, tokenHash: string): void;
  /** Throws 429 `too_many_connections` if one more socket would pass a cap; call it first. */
  admit(userId: string | null, address: string): void;
  /**
   * Takes over an upgraded socket; `user` is null when it must send an `auth` frame. `from`
   * names the client address and the hash of the token that authenticated the upgrade.
   */
  accept(socket: WebSocket, user: User | null, from?: SocketOrigin): void;
  /** Adds a local subscriber to a room's log; the feed offers it seq cursor+1 onwards. */
  subscribeRoom(roomId: string, sub: FeedSubscriber): Subscription;
  /** Adds a local subscriber to a user's own stream (notifications). */
  subscribeUser(userId: string, sub: FeedSubscriber): Subscription;
  /** Closes every socket with 1001 and stops every watch and channel. */
  close(): Promise<void>;
};

/** Where a socket came from: its client address and the hash of its upgrade's token. */
export type SocketOrigin = { address?: string; tokenHash?: string | null };

/**
 * Options of createHub; `broadcast: false` turns every BroadcastChannel hint off (tests),
 * `revalidateMs` sets how often open sockets' sessions are re-read.
 */
export type HubOptions = {
  kv: Deno.Kv;
  services: Services;
  flow?: Partial<FlowLimits>;
  caps?: Partial<SocketCaps>;
  broadcast?: boolean;
  revalidateMs?: number;
};

/** Builds this isolate's hub. */
export function createHub(
  { kv, services, flow, caps, broadcast = true, revalidateMs }: HubOptions,
): Hub {
  const limits: FlowLimits = { ...DEFAULT_FLOW, ...flow };
  const isolate = crypto.randomUUID().slice(0, 8);
  const feeds = new Map<string, LogFeed>();
  const watches = createWatchPool(kv);
  const channel = broadcast ? new BroadcastChannel(ROOMS_CHANNEL) : null;
  const { clock } = services.store;
  const sockets = createSocketRegistry<Connection>({
    kv,
    clock,
    broadcast,
    caps,
    revalidateMs,
  });
  const presence = createPresence({
    kv,
    clock,
    channel: broadcast ? new BroadcastChannel("vicinity:presence") : null,
  });
  const ephemeral = createEphemeral({
    clock,
    channel: broadcast ? new BroadcastChannel("vicinity:ephemeral") : null,
  });
  let closed = false;

  /** Hands a room's feed, if this isolate has one, the events a commit appended. */
  function wake(roomId: string, seq: number, events: unknown) {
    const feed = feeds.get("r:" + roomId);
    if (!feed) return;
    let items: FeedItem[] | undefined;
    try {
      if (Array.isArray(events)) {
        items = (events as RoomEvent[]).map(toFeedItem);
      }
    } catch (err) {
      // The commit stands whatever happens here: the feed lists the events from the log.
      log.warn("feed.handover_failed", { room: roomId, error: String(err) });
    }
    feed.hint(seq, items);
  }

  // At-most-once: a lost hint costs latency, never an event (kv.watch is the truth).
  if (channel) {
    channel.onmessage = (e: MessageEvent) => {
      const { room, seq, events } = (e.data ?? {}) as Record<string, unknown>;
      if (typeof room === "string" && typeof seq === "number") {
        wake(room, seq, events);
      }
    };
  }

  const roomSource = (roomId: string): FeedSource => ({
    label: "room " + roomId,
    headKey: keys.roomHead(roomId),
    headSeq: (v) => (v as RoomHead).seq,
    // Every commit hands its events over (wake), here and, with hints on, over the channel.
    handedOver: broadcast,
    list: async (after, upto) =>
      (await services.repos.log.listEventsBetween(roomId, after, upto))
        .map(toFeedItem),
  });

  const userSource = (userId: string): FeedSource => ({
    label: "user " + userId,
    headKey: keys.userHead(userId),
    headSeq: (v) => (v as UserHead).seq,
    async list(after, upto) {
      const events = await services.repos.streams.listUserEventsBetween(
        userId,
        after,
        upto,
      );
      const readUpTo = await services.repos.streams.getReadUpTo(userId);
      const views = new Map(
        (await services.notifications.toViews(events, readUpTo))
          .map((n) => [n.seq, n]),
      );
      // Every event becomes an item, so the feed sees no gap between seqs.
      return events.map((e): FeedItem => {
        if (e.kind === "inbox.changed") {
          const { roomId, why } = e.change;
          const frame: ServerFrame = {
            type: "inbox.changed",
            seq: e.seq,
            room: roomId,
            why,
          };
          return {
            seq: e.seq,
            text: JSON.stringify(frame),
            follow: why === "added" ? roomId : undefined,
          };
        }
        const frame: ServerFrame = {
          type: "notification.new",
          seq: e.seq,
          notification: views.get(e.seq)!,
        };
        return { seq: e.seq, text: JSON.stringify(frame) };
      });
    },
  });

  function follow(
    id: string,
    source: () => FeedSource,
    sub: FeedSubscriber,
  ): Subscription {
    if (closed) return { stop() {}, resume() {} };
    let feed = feeds.get(id);
    if (!feed) {
      feed = createLogFeed(watches, source());
      feeds.set(id, feed);
    }
    const own = feed;
    own.add(sub);
    return {
      stop() {
        // The last local subscriber leaving stops the log's watch.
        if (own.remove(sub) > 0 || feeds.get(id) !== own) return;
        feeds.delete(id);
        void own.stop();
      },
      resume: () => own.hint(0),
    };
  }

  const hub: Hub = {
    isolate,
    presence,
    ephemeral,
    notify(roomId, seq, events) {
      if (closed) return;
      wake(roomId, seq, events);
      channel?.postMessage({ room: roomId, seq, events });
    },
    revoked(userId, tokenHash) {
      log.debug("ws.session_revoked", { userId, isolate });
      sockets.revoke(tokenHash);
    },
    admit: (userId, address) => sockets.admit(userId, address),
    accept(socket, user, from = {}) {
      const tokenHash = from.tokenHash ?? null;
      const conn = openConnection(socket, user, {
        services,
        hub,
        isolate,
        flow: limits,
        tokenHash,
        onAuthenticated: (u, hash) => sockets.signIn(conn, u, hash),
        onClosed: () => sockets.forget(conn),
      });
      sockets.add(conn, user?.id ?? null, from.address ?? null);
      // Indexed now, not at open, so a revocation in between still finds it.
      if (user) sockets.signIn(conn, user, tokenHash);
      if (closed) void conn.shutdown(CLOSE.shutdown, "server shutting down");
    },
    subscribeRoom: (roomId, sub) =>
      follow("r:" + roomId, () => roomSource(roomId), sub),
    subscribeUser: (userId, sub) =>
      follow("u:" + userId, () => userSource(userId), sub),
    async close() {
      if (closed) return;
      closed = true;
      const reason = "server shutting down";
      await Promise.all(
        sockets.all().map((c) => c.shutdown(CLOSE.shutdown, reason)),
      );
      await Promise.all([...feeds.values()].map((f) => f.stop()));
      feeds.clear();
      await watches.close();
      channel?.close();
      await sockets.close();
      await presence.close();
      ephemeral.close();
      log.debug("hub.closed", { isolate });
    },
  };
  return hub;
}
