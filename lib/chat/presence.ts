import { keys } from "../db/keys.ts";
import { log } from "../log.ts";
import {
  createWriter,
  diff,
  type HintChannel,
  type Mutation,
  offline,
  type People,
  type PresenceEntry,
  readRoom,
  type SettableStatus,
} from "./presence_store.ts";

export type { HintChannel, SettableStatus } from "./presence_store.ts";
import type { Clock } from "../shared/clock.ts";
import type { ServerFrame } from "../shared/protocol.ts";
import type { PresenceView } from "../shared/schemas.ts";

/** The frame snapshot() answers with. */
export type PresenceStateFrame = Extract<
  ServerFrame,
  { type: "presence.state" }
>;

/** The BroadcastChannel name isolates use to hint each other that a room's presence moved. */
export const PRESENCE_CHANNEL = "vicinity:presence";

/** People listed at most in one presence.state frame (`online` still counts everyone). */
export const MAX_LISTED = 1_000;

type Listener = { fn: (frameText: string) => void };
type Watched = {
  listeners: Set<Listener>;
  last: People | null;
  /** The pending debounced recompute, and how to run it at once instead. */
  due: { people: Promise<People>; fire: () => void } | null;
};
type Conn = {
  userId: string;
  status: SettableStatus;
  rooms: Set<string>;
  /** Which of the REFRESH_SLICES turns refreshes this connection's entries. */
  slice: number;
};

/**
 * Entries are refreshed in this many turns per refresh interval, each connection in its own,
 * so many connections cost a small commit every refreshMs / REFRESH_SLICES, not one burst.
 */
const REFRESH_SLICES = 10;
type Load = { running: Promise<People> | null; queued: Promise<People> | null };

/** Options of createPresence; the intervals are in milliseconds. */
export type PresenceOptions = {
  kv: Deno.Kv;
  clock: Clock;
  /** Hint pipe to the other isolates, owned (and closed) by the presence; null = no hints. */
  channel: HintChannel | null;
  refreshMs?: number;
  ttlMs?: number;
  pollMs?: number;
  debounceMs?: number;
};

/**
 * Builds this isolate's presence: per-connection entries in KV, refreshed while they live,
 * and per watched room one debounced, single-flight recompute that emits one batched
 * presence.update to every local listener when something changed.
 */
export function createPresence(opts: PresenceOptions) {
  const { kv, clock, channel } = opts;
  const refreshMs = opts.refreshMs ?? 30_000;
  const ttlMs = opts.ttlMs ?? 90_000;
  const pollMs = opts.pollMs ?? 15_000;
  const debounceMs = opts.debounceMs ?? 200;
  const conns = new Map<string, Conn>();
  const watched = new Map<string, Watched>();
  const loads = new Map<string, Load>();
  let closed = false;

  const writer = createWriter(kv, (rooms) => {
    for (const roomId of rooms) hint(roomId);
    // Writes made while closing land after the channel is gone; a lost hint is harmless.
    try {
      channel?.postMessage({ rooms });
    } catch { /* closed */ }
  });
  if (channel) {
    channel.onmessage = (e: MessageEvent) => {
      const rooms = (e.data as { rooms?: unknown } | null)?.rooms;
      if (!Array.isArray(rooms)) return;
      for (const r of rooms) if (typeof r === "string") hint(r);
    };
  }

  // Hints (and snapshots) within the window share one recompute and at most one update, so
  // a join burst costs a few reads and a few frames per listener, not one per join.
  function hint(roomId: string) {
    const room = watched.get(roomId);
    if (closed || !room || room.due) return;
    const { promise, resolve } = Promise.withResolvers<People>();
    promise.catch((err) =>
      log.warn("presence.recompute_failed", { roomId, error: String(err) })
    );
    const fire = () => {
      if (room.due?.fire !== fire) return;
      clearTimeout(timer);
      room.due = null;
      resolve(load(roomId));
    };
    const timer = setTimeout(fire, debounceMs);
    room.due = { people: promise, fire };
  }

  async function publish(roomId: string, room: Watched, people: People) {
    const last = room.last;
    room.last = people;
    // The first reading after listen() is the baseline the listeners' snapshot shows.
    if (!last) return;
    const { changes, gone } = diff(last, people);
    changes.push(...await offline(kv, gone));
    if (changes.length === 0 || watched.get(roomId) !== room) return;
    const frame: ServerFrame = {
      type: "presence.update",
      room: roomId,
      changes,
      online: people.size,
    };
    const text = JSON.stringify(frame);
    for (const l of [...room.listeners]) {
      try {
        l.fn(text);
      } catch (err) {
        log.warn("presence.listener_failed", { roomId, error: String(err) });
      }
    }
  }

  async function recompute(roomId: string): Promise<People> {
    const people = await readRoom(kv, roomId, clock.now());
    const room = watched.get(roomId);
    if (room && !closed) await publish(roomId, room, people);
    return people;
  }

  // One reading per room at a time; callers arriving mid-read share the next one, which
  // starts after their own writes, so a burst of snapshots costs two reads, not one each.
  function load(roomId: string): Promise<People> {
    let s = loads.get(roomId);
    if (!s) loads.set(roomId, s = { running: null, queued: null });
    const slot = s;
    if (slot.queued) return slot.queued;
    const start = () => {
      const p = recompute(roomId).finally(() => {
        if (slot.running === p) slot.running = null;
        if (!slot.running && !slot.queued) loads.delete(roomId);
      });
      return slot.running = p;
    };
    if (!slot.running) return start();
    return slot.queued = slot.running.catch(() => {}).then(() => {
      slot.queued = null;
      return start();
    });
  }

  function loadQuietly(roomId: string) {
    return load(roomId).catch((err) =>
      log.warn("presence.recompute_failed", { roomId, error: String(err) })
    );
  }

  // A connection's entries in `rooms` (null deletes them) plus its person's lastSeen.
  function mutations(connId: string, c: Conn, rooms: string[], live: boolean) {
    const now = clock.now();
    const value: PresenceEntry | null = live
      ? { status: c.status, expiresAt: now + ttlMs }
      : null;
    const muts: Mutation[] = rooms.map((roomId) => ({
      key: keys.roomPresence(roomId, c.userId, connId),
      value,
      expireIn: ttlMs,
    }));
    muts.push({ key: keys.lastSeen(c.userId), value: now });
    return muts;
  }

  function writeConn(connId: string, c: Conn, rooms: string[]) {
    return writer.write(mutations(connId, c, rooms, true), rooms);
  }

  function removeConn(connId: string, c: Conn, rooms: string[]) {
    for (const roomId of rooms) c.rooms.delete(roomId);
    return writer.write(mutations(connId, c, rooms, false), rooms);
  }

  let turn = 0;
  let nextSlice = 0;
  function refresh() {
    const slice = turn;
    turn = (turn + 1) % REFRESH_SLICES;
    const muts = [...conns].flatMap(([connId, c]) =>
      c.slice === slice && c.rooms.size > 0
        ? mutations(connId, c, [...c.rooms], true)
        : []
    );
    if (muts.length > 0) void writer.write(muts, []);
  }

  const timers = [
    setInterval(refresh, refreshMs / REFRESH_SLICES),
    setInterval(() => {
      for (const roomId of watched.keys()) void loadQuietly(roomId);
    }, pollMs),
  ];

  return {
    /** Marks a connection present in a room; `status`, when given, becomes the connection's. */
    enter(
      roomId: string,
      userId: string,
      connId: string,
      status?: SettableStatus,
    ): Promise<void> {
      if (closed) return Promise.resolve();
      let c = conns.get(connId);
      if (!c) {
        c = { userId, status: "online", rooms: new Set(), slice: nextSlice };
        nextSlice = (nextSlice + 1) % REFRESH_SLICES;
        conns.set(connId, c);
      }
      c.rooms.add(roomId);
      if (status && status !== c.status) {
        c.status = status;
        return writeConn(connId, c, [...c.rooms]);
      }
      return writeConn(connId, c, [roomId]);
    },

    /** Removes a connection from a room (unsubscribe, member left); idempotent. */
    exit(roomId: string, connId: string): Promise<void> {
      const c = conns.get(connId);
      if (closed || !c || !c.rooms.has(roomId)) return Promise.resolve();
      return removeConn(connId, c, [roomId]);
    },

    /** Removes a closed connection from all its rooms and forgets it; idempotent. */
    disconnect(connId: string): Promise<void> {
      const c = conns.get(connId);
      if (closed || !c) return Promise.resolve();
      conns.delete(connId);
      return removeConn(connId, c, [...c.rooms]);
    },

    /** Sets a connection's status in every room it is in; unknown connections are ignored. */
    setStatus(connId: string, status: SettableStatus): Promise<void> {
      const c = conns.get(connId);
      if (closed || !c || c.status === status) return Promise.resolve();
      c.status = status;
      return writeConn(connId, c, [...c.rooms]);
    },

    /** Calls `fn` with each serialised presence.update of the room; returns the unlisten. */
    listen(roomId: string, fn: (frameText: string) => void): () => void {
      const own = watched.get(roomId) ??
        { listeners: new Set(), last: null, due: null };
      watched.set(roomId, own);
      const l: Listener = { fn };
      own.listeners.add(l);
      return () => {
        own.listeners.delete(l);
        if (own.listeners.size > 0 || watched.get(roomId) !== own) return;
        watched.delete(roomId);
        own.due?.fire();
      };
    },

    /** The room's presence.state frame, read after every write this isolate made so far. */
    async snapshot(roomId: string): Promise<PresenceStateFrame> {
      // Our own writes have hinted the room by now, so a pending recompute will include them.
      await writer.idle();
      const people = await (watched.get(roomId)?.due?.people ?? load(roomId));
      const users: PresenceView[] = [];
      for (const [userId, status] of people) {
        if (users.length === MAX_LISTED) break;
        users.push({ userId, status, lastSeenAt: null });
      }
      return {
        type: "presence.state",
        room: roomId,
        users,
        online: people.size,
      };
    },

    /** Stops the timers and deletes this isolate's entries, best-effort; idempotent. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const t of timers) clearInterval(t);
      const rooms = [...watched.values()];
      watched.clear();
      for (const room of rooms) room.due?.fire();
      if (channel) channel.onmessage = null;
      const all = [...conns].map(([id, c]) => removeConn(id, c, [...c.rooms]));
      conns.clear();
      await Promise.all(all);
      // Connections that closed during shutdown queued writes too; land them before KV closes.
      await writer.idle();
      await Promise.allSettled(
        [...loads.values()].flatMap((s) => [s.running, s.queued]),
      );
      channel?.close();
    },
  };
}

/** This isolate's presence tracker. */
export type Presence = ReturnType<typeof createPresence>;
