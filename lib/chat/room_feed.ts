import { keys } from "../db/keys.ts";
import type { Message, Messages } from "../db/messages.ts";
import type { RoomHead } from "../db/rooms.ts";
import { log } from "../log.ts";

/** Messages read per KV list while a feed catches subscribers up (replays are paged). */
export const FEED_PAGE = 500;

/** Delays before a failed pump (usually a briefly locked KV file) or watch is retried. */
const RETRY_MS = { pump: 100, watch: 1_000 };

/** One local subscription; `cursor` is the last seq it took. */
export type FeedSubscriber = {
  cursor: number;
  /** Takes the next message, or answers false to be offered it again on a later pump. */
  deliver(message: Message): boolean;
};

/** A room's fan-out inside one isolate: watches the head key, pumps new messages in order. */
export type RoomFeed = {
  /** Adds a subscriber and catches it up from its cursor. */
  add(sub: FeedSubscriber): void;
  /** Removes a subscriber and answers how many remain. */
  remove(sub: FeedSubscriber): number;
  /** Tells the feed the room's head has reached at least `seq` (0 just wakes it). */
  hint(seq: number): void;
  /** Stops the watch and any retry; idempotent. */
  stop(): Promise<void>;
};

/**
 * Builds a room's feed. kv.watch on the head key is the source of truth; hints only wake
 * the pump sooner. Each subscriber gets seq === cursor + 1 and nothing else, so it sees
 * every message exactly once, in order, however watch events coalesce or hints repeat.
 */
export function createRoomFeed(
  kv: Deno.Kv,
  messages: Pick<Messages, "listMessagesBetween">,
  roomId: string,
): RoomFeed {
  const subs = new Set<FeedSubscriber>();
  let head = 0;
  let running = false;
  let again = false;
  let stopped = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let reader: ReadableStreamDefaultReader<Deno.KvEntryMaybe<unknown>[]> | null =
    null;

  function later(fn: () => unknown, ms: number) {
    const id = setTimeout(() => {
      timers.delete(id);
      fn();
    }, ms);
    timers.add(id);
  }

  // Lists from the lowest cursor still taking messages up to the head, a page at a time; a
  // subscriber that refuses (backed up) sits out the rest of this drain until it resumes.
  async function drain() {
    const target = head;
    const refused = new Set<FeedSubscriber>();
    while (!stopped) {
      const cursors = [...subs]
        .filter((s) => s.cursor < target && !refused.has(s))
        .map((s) => s.cursor);
      if (cursors.length === 0) return;
      const from = Math.min(...cursors);
      const upto = Math.min(from + FEED_PAGE, target);
      const batch = await messages.listMessagesBetween(roomId, from, upto);
      let progressed = false;
      const refusedBefore = refused.size;
      for (const m of batch) {
        for (const s of subs) {
          if (m.seq !== s.cursor + 1 || refused.has(s)) continue;
          if (!s.deliver(m)) {
            refused.add(s);
            continue;
          }
          s.cursor = m.seq;
          progressed = true;
        }
      }
      // Nothing taken and nobody refused would mean a missing message: wait for the next wake.
      if (!progressed && refused.size === refusedBefore) return;
    }
  }

  async function pump() {
    // One pump per room at a time; a wake-up during a run asks for one more run.
    if (running) return void (again = true);
    running = true;
    try {
      do {
        again = false;
        await drain();
      } while (again && !stopped);
    } catch (err) {
      log.warn("feed.pump_failed", { roomId, error: String(err) });
      if (!stopped) later(pump, RETRY_MS.pump);
    } finally {
      running = false;
    }
  }

  function hint(seq: number) {
    if (seq > head) head = seq;
    void pump();
  }

  async function watch() {
    try {
      reader = kv.watch([keys.roomHead(roomId)]).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (stopped) return;
        if (done) throw new Error("watch stream ended");
        const h = value[0].value as RoomHead | null;
        if (h) hint(h.seq);
      }
    } catch (err) {
      if (stopped) return;
      log.warn("feed.watch_failed", { roomId, error: String(err) });
      later(watch, RETRY_MS.watch);
    }
  }
  void watch();

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
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const id of timers) clearTimeout(id);
      await reader?.cancel().catch(() => {});
    },
  };
}
