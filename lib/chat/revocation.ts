import { keys } from "../db/keys.ts";
import type { Session } from "../db/sessions.ts";
import { getManyBatched } from "../db/store.ts";
import { log } from "../log.ts";
import type { Clock } from "../shared/clock.ts";
import { CLOSE } from "./frames.ts";

/** The BroadcastChannel isolates use to tell each other a session was revoked. */
export const SESSIONS_CHANNEL = "vicinity:sessions";

/** How often each isolate re-reads the sessions of its open sockets. */
export const REVALIDATE_MS = 30_000;

/**
 * The re-reads are spread over the interval in this many slices (by token hash), so many
 * sockets cost a small read every intervalMs / SLICES, not one burst that stalls sends.
 */
export const SLICES = 10;

/** The slice a session's token hash (hex SHA-256) falls in. */
export const sliceOf = (tokenHash: string) =>
  parseInt(tokenHash.slice(0, 4), 16) % SLICES || 0;

/** Anything that can be closed with a code and a reason: a connection. */
export type Closable = { end(code: number, reason: string): void };

/** Options of createRevocation; `broadcast: false` leaves convergence to revalidation. */
export type RevocationOptions = {
  kv: Deno.Kv;
  clock: Clock;
  broadcast: boolean;
  intervalMs?: number;
};

/** The sockets signed in with one token: most often one, so a set only once there are two. */
type Held<C> = C | Set<C>;

const each = <C>(held: Held<C>): Iterable<C> =>
  held instanceof Set ? held : [held];

/**
 * Closes the sockets of revoked sessions. Sockets are indexed by the SHA-256 hash of the
 * token that signed them in (never the token). A revocation closes them here at once and
 * hints the other isolates; since hints are at most once, every isolate also re-reads the
 * sessions of its sockets every `intervalMs` (a tenth of them at a time, see SLICES) and
 * closes those that ended or expired.
 */
export function createRevocation<C extends Closable>(
  { kv, clock, broadcast, intervalMs = REVALIDATE_MS }: RevocationOptions,
) {
  const bySession = new Map<string, Held<C>>();
  const channel = broadcast ? new BroadcastChannel(SESSIONS_CHANNEL) : null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let sweeping: Promise<void> | null = null;
  let slice = 0;
  let closed = false;

  function closeLocal(tokenHash: string, reason: string) {
    const conns = bySession.get(tokenHash);
    if (!conns) return;
    bySession.delete(tokenHash);
    for (const conn of each(conns)) conn.end(CLOSE.policy, reason);
    idle();
  }

  // The timer runs only while some socket is signed in, so an idle hub holds no timer.
  function idle() {
    if (bySession.size > 0 || timer === undefined) return;
    clearInterval(timer);
    timer = undefined;
  }

  async function sweep(part: number) {
    const hashes = [...bySession.keys()].filter((h) => sliceOf(h) === part);
    if (hashes.length === 0) return;
    const entries = await getManyBatched<Session>(
      kv,
      hashes.map((h) => keys.session(h)),
    );
    const now = clock.now();
    entries.forEach(({ value }, i) => {
      if (!value) closeLocal(hashes[i], "session revoked");
      else if (value.expiresAt <= now) closeLocal(hashes[i], "session expired");
    });
  }

  function tick() {
    if (closed) return;
    const part = slice;
    slice = (slice + 1) % SLICES;
    // A slow read skips its turn's slice; that slice comes round again in intervalMs.
    if (sweeping) return;
    sweeping = sweep(part)
      .catch((err) => log.warn("ws.revalidate_failed", { error: String(err) }))
      .finally(() => sweeping = null);
  }

  if (channel) {
    channel.onmessage = (e: MessageEvent) => {
      const { tokenHash } = (e.data ?? {}) as Record<string, unknown>;
      if (typeof tokenHash === "string") {
        closeLocal(tokenHash, "session revoked");
      }
    };
  }

  return {
    /** Indexes a signed-in socket under its session. */
    track(conn: C, tokenHash: string) {
      if (closed) return;
      const held = bySession.get(tokenHash);
      if (held === undefined) bySession.set(tokenHash, conn);
      else if (held instanceof Set) held.add(conn);
      else if (held !== conn) bySession.set(tokenHash, new Set([held, conn]));
      timer ??= setInterval(tick, intervalMs / SLICES);
    },
    /** Forgets a socket that closed. */
    untrack(conn: C, tokenHash: string) {
      const held = bySession.get(tokenHash);
      if (held instanceof Set) {
        if (!held.delete(conn) || held.size > 0) return;
      } else if (held !== conn) return;
      bySession.delete(tokenHash);
      idle();
    },
    /** Closes a revoked session's sockets here and hints every other isolate. */
    revoke(tokenHash: string) {
      closeLocal(tokenHash, "session revoked");
      channel?.postMessage({ tokenHash });
    },
    /** Stops the timer and the channel; waits for a re-read in progress. */
    async close() {
      closed = true;
      clearInterval(timer);
      timer = undefined;
      channel?.close();
      await sweeping;
    },
  };
}

/** The revocation index's type. */
export type Revocation<C extends Closable> = ReturnType<
  typeof createRevocation<C>
>;
