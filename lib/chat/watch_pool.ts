import { log } from "../log.ts";

/** Keys one kv.watch takes at most (Deno KV's limit). */
export const WATCH_KEYS = 10;

/** Delay before a failed watch is opened again. */
const RETRY_MS = 1_000;

/** Told a watched key's new value (null once deleted); first with its current value. */
export type WatchListener = (value: unknown) => void;

/** Watches many keys with as few kv.watch streams as possible. */
export type WatchPool = {
  /** Starts telling `listener` of the key's values; answers the function that stops it. */
  watch(key: Deno.KvKey, listener: WatchListener): () => void;
  /** How many kv.watch streams are open. */
  readonly streams: number;
  /** Stops every stream; idempotent. */
  close(): Promise<void>;
};

/** One kv.watch over up to WATCH_KEYS keys, reopened when its key set changes. */
type Group = {
  /** Key (serialised) → its key, listeners, and the versionstamp last told. */
  slots: Map<string, Slot>;
  reader: ReadableStreamDefaultReader<Deno.KvEntryMaybe<unknown>[]> | null;
  /** Bumped on every reopen: a stream of an older generation stops quietly. */
  generation: number;
  reopening: boolean;
};

type Slot = {
  key: Deno.KvKey;
  listeners: Set<WatchListener>;
  versionstamp: string | null | undefined;
};

const idOf = (key: Deno.KvKey) =>
  JSON.stringify(key, (_, v) => typeof v === "bigint" ? `${v}n` : v);

/**
 * Packs watched keys WATCH_KEYS to a kv.watch instead of one stream per key. A group's
 * stream is reopened (once per tick, however many keys joined) when a key joins it; a key
 * that leaves keeps its place until the next reopen, and a group left with no listener
 * closes. A reopened watch starts with every key's current value, so nothing that changed
 * meanwhile is missed; listeners hear a key only when its versionstamp moved.
 */
export function createWatchPool(kv: Deno.Kv): WatchPool {
  const groups = new Set<Group>();
  const where = new Map<string, Group>();
  const retries = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  const live = (g: Group) =>
    [...g.slots.values()].filter((s) => s.listeners.size > 0).length;

  function reopen(g: Group) {
    if (g.reopening) return;
    g.reopening = true;
    queueMicrotask(() => {
      g.reopening = false;
      if (closed || !groups.has(g)) return;
      // Keys nobody listens to any more give up their places now.
      for (const [id, s] of g.slots) {
        if (s.listeners.size === 0) {
          g.slots.delete(id);
          where.delete(id);
        }
      }
      const generation = ++g.generation;
      void g.reader?.cancel().catch(() => {});
      g.reader = null;
      void run(g, generation);
    });
  }

  async function run(g: Group, generation: number) {
    const slots = [...g.slots.values()];
    const current = () => !closed && g.generation === generation;
    try {
      const reader = kv.watch(slots.map((s) => s.key)).getReader();
      g.reader = reader;
      for (;;) {
        const { value, done } = await reader.read();
        if (!current()) return;
        if (done) throw new Error("watch stream ended");
        value.forEach((entry, i) => tell(slots[i], entry));
      }
    } catch (err) {
      if (!current()) return;
      log.warn("feed.watch_failed", {
        keys: slots.length,
        error: String(err),
      });
      const id = setTimeout(() => {
        retries.delete(id);
        if (current()) reopen(g);
      }, RETRY_MS);
      retries.add(id);
    }
  }

  function tell(slot: Slot, entry: Deno.KvEntryMaybe<unknown>) {
    if (entry.versionstamp === slot.versionstamp) return;
    slot.versionstamp = entry.versionstamp;
    for (const l of slot.listeners) l(entry.value);
  }

  /** A group with a free place (a key nobody listens to counts as free), or a new one. */
  function groupWithRoom(): Group {
    for (const g of groups) {
      if (g.slots.size < WATCH_KEYS || live(g) < WATCH_KEYS) return g;
    }
    const g: Group = {
      slots: new Map(),
      reader: null,
      generation: 0,
      reopening: false,
    };
    groups.add(g);
    return g;
  }

  return {
    watch(key, listener) {
      if (closed) return () => {};
      const id = idOf(key);
      let g = where.get(id);
      if (g) {
        const slot = g.slots.get(id)!;
        slot.listeners.add(listener);
        // A late listener hears the current value too, as a first listener would.
        if (slot.versionstamp !== undefined) reopenFor(slot, g);
      } else {
        g = groupWithRoom();
        if (g.slots.size >= WATCH_KEYS) evictIdle(g);
        g.slots.set(id, {
          key,
          listeners: new Set([listener]),
          versionstamp: undefined,
        });
        where.set(id, g);
        reopen(g);
      }
      const group = g;
      return () => {
        const slot = group.slots.get(id);
        if (!slot?.listeners.delete(listener)) return;
        if (live(group) === 0) {
          groups.delete(group);
          for (const sid of group.slots.keys()) where.delete(sid);
          group.generation++;
          void group.reader?.cancel().catch(() => {});
        }
      };
    },
    get streams() {
      return groups.size;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const id of retries) clearTimeout(id);
      retries.clear();
      const readers = [...groups].map((g) => g.reader);
      groups.clear();
      where.clear();
      await Promise.all(readers.map((r) => r?.cancel().catch(() => {})));
    },
  };

  /** Forgets the versionstamp told, so the next reopen tells every listener the value. */
  function reopenFor(slot: Slot, g: Group) {
    slot.versionstamp = undefined;
    reopen(g);
  }

  /** Drops a full group's keys that nobody listens to, making a place for a new one. */
  function evictIdle(g: Group) {
    for (const [id, s] of g.slots) {
      if (s.listeners.size === 0) {
        g.slots.delete(id);
        where.delete(id);
        return;
      }
    }
  }
}
