import type { RoomEvent } from "../db/room_log.ts";
import { log } from "../log.ts";
import { metrics, span } from "../shared/telemetry.ts";
import type { WatchPool } from "./watch_pool.ts";

/** Events read per KV list while a feed catches subscribers up (replays are paged). */
export const FEED_PAGE = 500;

/**
 * Items handed over by a commit (this isolate's, or another's over the channel) are kept
 * until every subscriber has passed them, at most this many: the feed then delivers them
 * without listing the log. The log stays the source of truth for everything else.
 */
export const FRESH_MAX = 1_024;

/** Delay before a failed pump (usually a briefly locked KV file) is retried. */
const RETRY_MS = 100;

/**
 * How long a watch wake-up for events not yet handed over waits for their hand-over before
 * the feed lists them from the log. A commit wakes the watch and hands over its events at
 * about the same moment, and under load the watch often comes first (about 4 commits in 10
 * in the peers bench): listing then would read back every event the hand-over brings a
 * moment later. The wait matters only when a hand-over is lost (the channel is at most once).
 */
export const HANDOVER_GRACE_MS = 20;

/** One event of a log as the feed hands it out: its seq and its frame, serialised once. */
export type FeedItem = {
  seq: number;
  text: string;
  /** Set on member.left: that user's subscriptions end after this event. */
  ends?: string;
  /** The room event itself, for subscribers that build their own frames (the inbox). */
  event?: RoomEvent;
  /** The inbox.activity frame, built by the first inbox that needs it. */
  inboxText?: string;
  /** On a user's stream: a room they were added to, which their inbox starts following. */
  follow?: string;
  /** Only this user sees the event (a shadow-banned author); the others get `hidden`. */
  onlyFor?: string;
  /** What everyone else gets instead: a placeholder that keeps their seqs gap-free. */
  hidden?: FeedItem;
};

/** The item a subscriber gets: the event, or its placeholder when it is not theirs to see. */
export const itemFor = (item: FeedItem, userId: string): FeedItem =>
  item.onlyFor !== undefined && item.onlyFor !== userId && item.hidden
    ? item.hidden
    : item;

/** One local subscription; `cursor` is the last seq it took. */
export type FeedSubscriber = {
  cursor: number;
  /** The subscriber's user, and the seq of their current join (older leaves do not end it). */
  userId: string;
  joinSeq: number;
  /** Takes the next event, or answers false to be offered it again on a later pump. */
  deliver(item: FeedItem): boolean;
  /** The log no longer holds cursor+1 (retention): the cursor jumps to `seq`. */
  resync(seq: number): void;
  /** The subscriber's user left; the feed has dropped it. */
  ended(): void;
};

/** Where a feed reads: the head key it watches, and the events in a seq range. */
export type FeedSource = {
  label: string;
  headKey: Deno.KvKey;
  headSeq(value: unknown): number | null;
  list(afterSeq: number, uptoSeq: number): Promise<FeedItem[]>;
  /**
   * Whether commits hand this log's events to the feed (`hint` with items): its watch
   * wake-ups then wait up to HANDOVER_GRACE_MS for them before listing the log.
   */
  handedOver?: boolean;
};

/** A log's fan-out inside one isolate: watches the head key, pumps new events in order. */
export type LogFeed = {
  /** Adds a subscriber and catches it up from its cursor. */
  add(sub: FeedSubscriber): void;
  /** Removes a subscriber and answers how many remain. */
  remove(sub: FeedSubscriber): number;
  /**
   * Tells the feed the head has reached at least `seq` (0 just wakes it). `items` are events
   * a commit just appended, as they were committed: delivered from memory when they cover
   * what subscribers need next, so the common case reads nothing from KV.
   */
  hint(seq: number, items?: FeedItem[]): void;
  /** Stops the watch and any retry; idempotent. */
  stop(): Promise<void>;
};

/**
 * Builds a log's feed. A watch on the head key (packed with other feeds' in `watches`) is
 * the source of truth; hints wake the pump sooner and carry the committed events (on a
 * `handedOver` source the watch's reports wait HANDOVER_GRACE_MS for them). Each subscriber
 * gets seq === cursor + 1 and nothing else, so it sees every event exactly once, in order,
 * however watch events coalesce or hints repeat. An event the log no longer holds resyncs
 * the subscriber instead of stalling it.
 */
export function createLogFeed(
  watches: WatchPool,
  source: FeedSource,
): LogFeed {
  const subs = new Set<FeedSubscriber>();
  const kind = source.label.startsWith("user") ? "user" : "room";
  let head = 0;
  /** Committed items by seq, served instead of a KV list when they cover the whole range. */
  const fresh = new Map<number, FeedItem>();
  let running = false;
  let again = false;
  let stopped = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  /** The highest seq a watch reported that no hand-over has brought yet, and its timer. */
  let awaited = 0;
  let grace: ReturnType<typeof setTimeout> | undefined;
  /** The watch's first report is the head as it stood: nothing is being handed over. */
  let first = true;

  function later(fn: () => unknown, ms: number) {
    const id = setTimeout(() => {
      timers.delete(id);
      fn();
    }, ms);
    timers.add(id);
    return id;
  }

  function clearGrace() {
    if (grace === undefined) return;
    clearTimeout(grace);
    timers.delete(grace);
    grace = undefined;
  }

  /** A watch's report: pumped at once, unless a hand-over is likely to bring it soon. */
  function watched(seq: number) {
    const now = first;
    first = false;
    if (now || !source.handedOver || seq <= head) return hint(seq);
    if (seq > awaited) awaited = seq;
    grace ??= later(() => {
      grace = undefined;
      hint(awaited);
    }, HANDOVER_GRACE_MS);
  }

  // Offers one page to every subscriber; answers whether anyone moved.
  function offer(
    batch: FeedItem[],
    from: number,
    upto: number,
    refused: Set<FeedSubscriber>,
  ) {
    let moved = false;
    let delivered = 0;
    for (const item of batch) {
      for (const s of subs) {
        if (item.seq !== s.cursor + 1 || refused.has(s)) continue;
        if (!s.deliver(itemFor(item, s.userId))) {
          refused.add(s);
          continue;
        }
        s.cursor = item.seq;
        moved = true;
        delivered++;
        if (item.ends === s.userId && item.seq > s.joinSeq) {
          subs.delete(s);
          s.ended();
        }
      }
    }
    metrics.delivered(delivered, kind);
    // A subscriber whose next seq lies in the range listed but was not in it: the log lost
    // it. (One added while the list was read may sit below `from`: the next round serves it.)
    for (const s of subs) {
      if (refused.has(s) || s.cursor < from || s.cursor >= upto) continue;
      if (!batch.some((i) => i.seq === s.cursor + 1)) {
        s.cursor = head;
        s.resync(head);
        moved = true;
      }
    }
    return moved;
  }

  /** The events in (from, upto]: from the fresh items when all are there, else the log. */
  function read(from: number, upto: number): FeedItem[] | Promise<FeedItem[]> {
    const out: FeedItem[] = [];
    for (let seq = from + 1; seq <= upto; seq++) {
      const item = fresh.get(seq);
      if (!item) return source.list(from, upto);
      out.push(item);
    }
    return out;
  }

  /** Drops fresh items every subscriber has passed. */
  function forget() {
    let low = head;
    for (const s of subs) if (s.cursor < low) low = s.cursor;
    for (const seq of fresh.keys()) if (seq <= low) fresh.delete(seq);
  }

  function remember(items: FeedItem[]) {
    for (const item of items) {
      // A delete rewrites the log's earlier copies of its message: the memory's are stale.
      if (item.event?.kind === "message.deleted") fresh.clear();
      else fresh.set(item.seq, item);
    }
    // Oldest first: Map keeps insertion order, and seqs arrive ascending per commit.
    for (const seq of fresh.keys()) {
      if (fresh.size <= FRESH_MAX) break;
      fresh.delete(seq);
    }
  }

  async function drain() {
    const target = head;
    const refused = new Set<FeedSubscriber>();
    while (!stopped) {
      // The lowest cursor still short of the target (no arrays: this runs per commit).
      let from = target;
      for (const s of subs) {
        if (s.cursor < from && !refused.has(s)) from = s.cursor;
      }
      if (from === target) return;
      const upto = Math.min(from + FEED_PAGE, target);
      const batch = await read(from, upto);
      const refusedBefore = refused.size;
      const moved = offer(batch, from, upto, refused);
      if (!moved && refused.size === refusedBefore) return;
    }
  }

  async function pump() {
    // One pump per log at a time; a wake-up during a run asks for one more run.
    if (running) return void (again = true);
    running = true;
    try {
      do {
        again = false;
        await span("feed.pump", { feed: kind }, drain);
      } while (again && !stopped);
      forget();
    } catch (err) {
      log.warn("feed.pump_failed", { feed: source.label, error: String(err) });
      if (!stopped) later(pump, RETRY_MS);
    } finally {
      running = false;
    }
  }

  function hint(seq: number, items?: FeedItem[]) {
    if (items?.length && !stopped) remember(items);
    if (seq > head) head = seq;
    if (head >= awaited) clearGrace();
    void pump();
  }

  const unwatch = watches.watch(source.headKey, (value) => {
    const seq = value === null ? null : source.headSeq(value);
    if (seq !== null) watched(seq);
  });

  return {
    add(sub) {
      subs.add(sub);
      void pump();
    },
    remove(sub) {
      subs.delete(sub);
      return subs.size;
    },
    hint,
    stop() {
      if (stopped) return Promise.resolve();
      stopped = true;
      for (const id of timers) clearTimeout(id);
      fresh.clear();
      unwatch();
      return Promise.resolve();
    },
  };
}
