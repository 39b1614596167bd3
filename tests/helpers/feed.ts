import { toFeedItem } from "../../lib/chat/frames.ts";
import {
  createLogFeed,
  type FeedItem,
  type FeedSource,
  type FeedSubscriber,
  type LogFeed,
} from "../../lib/chat/room_feed.ts";
import { createWatchPool, type WatchPool } from "../../lib/chat/watch_pool.ts";
import { keys } from "../../lib/db/keys.ts";
import { createRoomLog, type RoomLog } from "../../lib/db/room_log.ts";
import { openTestStore } from "./store.ts";
import { within } from "./ws.ts";

/** The one room a test feed follows. */
export const ROOM = "ROOM";
/** How long the test log keeps events. */
export const RETENTION_MS = 60_000;

/** The integers from..to, inclusive. */
export const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * A KV store, a room log over it, and a feed of the log that records what it lists. With
 * `handOver`, every commit hands its events to the feed, as the hub does; with `watch: false`
 * the feed watches a key nobody writes, so those hand-overs are its only wake-ups.
 * `handedOver` tells the feed to expect hand-overs (as with `handOver`) even when none come.
 */
export async function setup(
  opts: {
    handOver?: boolean;
    watch?: boolean;
    handedOver?: boolean;
    /** Told of each head value the feed's watch reports, after the feed heard it. */
    onWatch?: (value: unknown) => void;
  } = {},
) {
  const store = await openTestStore();
  await store.kv.set(keys.roomHead(ROOM), {
    seq: 0,
    lastMessageAt: null,
    epoch: "e0",
  });
  let feed: LogFeed | null = null;
  const log = createRoomLog(store, {
    retentionMs: RETENTION_MS,
    onAppend: opts.handOver
      ? (_room, seq, events) => feed?.hint(seq, events.map(toFeedItem))
      : undefined,
  });
  const spans: [number, number][] = [];
  const source: FeedSource = {
    label: "room " + ROOM,
    headKey: opts.watch === false ? ["test", "unwatched"] : keys.roomHead(ROOM),
    headSeq: (v) => (v as { seq: number }).seq,
    handedOver: opts.handedOver ?? opts.handOver === true,
    async list(after, upto) {
      spans.push([after, upto]);
      return (await log.listEventsBetween(ROOM, after, upto)).map(toFeedItem);
    },
  };
  const pool = createWatchPool(store.kv);
  const { onWatch } = opts;
  const watches: WatchPool = onWatch
    ? {
      get streams() {
        return pool.streams;
      },
      watch: (key, listener) =>
        pool.watch(key, (value) => {
          listener(value);
          onWatch(value);
        }),
      close: () => pool.close(),
    }
    : pool;
  feed = createLogFeed(watches, source);
  return { store, log, feed, spans };
}

/** Appends `n` events in commits of at most 250, as fast as the log takes them. */
export async function append(log: RoomLog, n: number) {
  for (let done = 0; done < n;) {
    const k = Math.min(250, n - done);
    await log.change(ROOM, [], () => ({
      result: 0,
      events: Array.from({ length: k }, (_, i) => ({
        kind: "room.updated" as const,
        name: `n${done + i}`,
        description: "",
      })),
    }));
    done += k;
  }
}

/** A subscriber that records everything the feed does to it, and can wait for a state. */
export function recorder(
  cursor: number,
  opts: {
    userId?: string;
    joinSeq?: number;
    refuse?: (seq: number) => boolean;
  } = {},
) {
  const log = {
    seqs: [] as number[],
    items: [] as FeedItem[],
    resyncs: [] as number[],
    refused: [] as number[],
    ended: false,
  };
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const w of wakers) w();
  };
  const sub: FeedSubscriber = {
    cursor,
    userId: opts.userId ?? "U",
    joinSeq: opts.joinSeq ?? 0,
    deliver(item) {
      if (opts.refuse?.(item.seq)) {
        log.refused.push(item.seq);
        wake();
        return false;
      }
      log.seqs.push(item.seq);
      log.items.push(item);
      wake();
      return true;
    },
    resync(seq) {
      log.resyncs.push(seq);
      wake();
    },
    ended() {
      log.ended = true;
      wake();
    },
  };
  /** Waits (up to 5 s) until `ok` holds. */
  const until = (ok: () => boolean, what: string) => {
    if (ok()) return Promise.resolve();
    let waker = () => {};
    return within(
      new Promise<void>((resolve) => {
        waker = () => ok() && resolve();
        wakers.add(waker);
      }),
      5_000,
      what,
    ).finally(() => wakers.delete(waker));
  };
  // The feed moves `cursor` after `deliver` returns, so progress is read from what was given.
  const at = () => Math.max(log.seqs.at(-1) ?? 0, log.resyncs.at(-1) ?? 0);
  const reached = (seq: number) => until(() => at() >= seq, `seq ${seq}`);
  return { sub, log, until, reached };
}
