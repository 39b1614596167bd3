import { keys } from "../db/keys.ts";
import { getManyBatched, retryCommit } from "../db/store.ts";
import { log } from "../log.ts";
import { isoOrNull } from "../shared/clock.ts";
import type { PresenceView } from "../shared/schemas.ts";

/** A BroadcastChannel-like hint pipe between isolates (at-most-once). */
export type HintChannel = {
  postMessage(data: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
  close(): void;
};

/** The statuses a connection can hold; "offline" is the absence of any live entry. */
export type SettableStatus = "online" | "away" | "dnd";

/** One connection's entry in a room, as stored. */
export type PresenceEntry = { status: SettableStatus; expiresAt: number };

/** A queued KV write; a null value deletes. */
export type Mutation = { key: Deno.KvKey; value: unknown; expireIn?: number };

/** Presence entries read at most per room recompute. */
export const MAX_SCAN = 5_000;

/** How a person's statuses rank when they have several connections. */
export const RANK: Record<SettableStatus, number> = {
  away: 1,
  online: 2,
  dnd: 3,
};

/** Each connected person's status in a room, in user-id order. */
export type People = Map<string, SettableStatus>;

/** Mutations per atomic commit (Deno KV allows 1,000). */
export const CHUNK = 500;

/**
 * Group commit for presence writes: whatever queues while a commit is in flight goes out in
 * the next one (chunks of CHUNK), later writes to a key replacing earlier ones, and each
 * flush reports the rooms it touched once.
 */
export function createWriter(
  kv: Deno.Kv,
  onFlushed: (rooms: string[]) => void,
) {
  const pending = new Map<string, Mutation>();
  const rooms = new Set<string>();
  let waiters: (() => void)[] = [];
  let flushing: Promise<void> | null = null;

  async function commit(batch: Mutation[]) {
    try {
      await retryCommit("presence", async () => {
        const op = kv.atomic();
        for (const { key, value, expireIn } of batch) {
          if (value === null) op.delete(key);
          else op.set(key, value, { expireIn });
        }
        return (await op.commit()).ok ? true : null;
      });
    } catch (err) {
      // Soft state: the next refresh rewrites a lost entry, a lost delete expires.
      log.warn("presence.write_failed", { error: String(err) });
    }
  }

  async function flush() {
    while (pending.size > 0 || waiters.length > 0) {
      const batch = [...pending.values()];
      const touched = [...rooms];
      const done = waiters;
      pending.clear();
      rooms.clear();
      waiters = [];
      for (let i = 0; i < batch.length; i += CHUNK) {
        await commit(batch.slice(i, i + CHUNK));
      }
      if (touched.length > 0) onFlushed(touched);
      for (const d of done) d();
    }
    flushing = null;
  }

  return {
    /** Queues mutations; resolves once they are committed (or given up on). */
    write(muts: Mutation[], hintRooms: string[]): Promise<void> {
      for (const m of muts) {
        const id = JSON.stringify(m.key);
        pending.delete(id);
        pending.set(id, m);
      }
      for (const r of hintRooms) rooms.add(r);
      const done = new Promise<void>((resolve) => waiters.push(resolve));
      flushing ??= Promise.resolve().then(flush);
      return done;
    },
    /** Resolves when everything queued so far is committed. */
    idle: () => flushing ?? Promise.resolve(),
  };
}

/** Reads a room's live entries and folds each person's tabs into one status. */
export async function readRoom(kv: Deno.Kv, roomId: string, now: number) {
  const people: People = new Map();
  const prefix = keys.roomPresencePrefix(roomId);
  for await (
    const e of kv.list<PresenceEntry>({ prefix }, { limit: MAX_SCAN })
  ) {
    // expireIn is lazy: a dead isolate's entry may still be listed after its expiresAt.
    if (e.value.expiresAt <= now) continue;
    const userId = e.key[2] as string;
    const had = people.get(userId);
    if (!had || RANK[e.value.status] > RANK[had]) {
      people.set(userId, e.value.status);
    }
  }
  return people;
}

/** Who changed between two readings; people who disappeared still need a lastSeenAt. */
export function diff(last: People, next: People) {
  const changes: PresenceView[] = [];
  for (const [userId, status] of next) {
    if (last.get(userId) !== status) {
      changes.push({ userId, status, lastSeenAt: null });
    }
  }
  const gone = [...last.keys()].filter((userId) => !next.has(userId));
  return { changes, gone };
}

/** People who left a room, as offline with when they were last connected. */
export async function offline(
  kv: Deno.Kv,
  gone: string[],
): Promise<PresenceView[]> {
  if (gone.length === 0) return [];
  const seen = await getManyBatched<number>(kv, gone.map(keys.lastSeen));
  return gone.map((userId, i) => ({
    userId,
    status: "offline" as const,
    lastSeenAt: isoOrNull(seen[i].value ?? null),
  }));
}
