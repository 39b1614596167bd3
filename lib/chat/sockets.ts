import { metrics } from "../shared/telemetry.ts";
import type { User } from "../db/users.ts";
import type { AppError } from "../shared/errors.ts";
import type { Clock } from "../shared/clock.ts";
import { createSocketCounts, DEFAULT_CAPS, type SocketCaps } from "./limits.ts";
import { type Closable, createRevocation } from "./revocation.ts";

/** What the registry knows of an open socket, to count it and to find it on revocation. */
type Entry = {
  address: string | null;
  userId: string | null;
  tokenHash: string | null;
};

/** Options of createSocketRegistry. */
export type SocketRegistryOptions = {
  kv: Deno.Kv;
  clock: Clock;
  broadcast: boolean;
  caps?: Partial<SocketCaps>;
  revalidateMs?: number;
};

/**
 * One isolate's open sockets: counted per user and address against the caps, and indexed
 * by their session so that revoking it closes them (see revocation.ts).
 */
export function createSocketRegistry<C extends Closable>(
  { kv, clock, broadcast, caps, revalidateMs }: SocketRegistryOptions,
) {
  const entries = new Map<C, Entry>();
  const counts = createSocketCounts({ ...DEFAULT_CAPS, ...caps });
  const revocation = createRevocation<C>({
    kv,
    clock,
    broadcast,
    intervalMs: revalidateMs,
  });

  return {
    /** Throws 429 `too_many_connections` if one more socket would pass a cap. */
    admit(userId: string | null, address: string) {
      const refused = counts.refusal(userId, address);
      if (refused) throw refused;
    },
    /** Counts a socket in; `userId` is null until it signs in by frame. */
    add(conn: C, userId: string | null, address: string | null) {
      entries.set(conn, { address, userId, tokenHash: null });
      counts.count(userId, address, 1);
      metrics.socketOpened();
    },
    /**
     * A socket signing in: counted under its user (a frame auth is checked against the cap
     * here; an upgrade's user was admitted before) and indexed under its session.
     */
    signIn(conn: C, user: User, tokenHash: string | null): AppError | null {
      const entry = entries.get(conn);
      if (!entry) return null;
      if (entry.userId !== user.id) {
        const refused = counts.refusal(user.id, null);
        if (refused) return refused;
        counts.count(entry.userId, null, -1);
        counts.count(user.id, null, 1);
        entry.userId = user.id;
      }
      if (tokenHash !== null && entry.tokenHash !== tokenHash) {
        if (entry.tokenHash) revocation.untrack(conn, entry.tokenHash);
        revocation.track(conn, tokenHash);
        entry.tokenHash = tokenHash;
      }
      return null;
    },
    /** Counts a closed socket out; idempotent. */
    forget(conn: C) {
      const entry = entries.get(conn);
      if (!entry) return;
      entries.delete(conn);
      counts.count(entry.userId, entry.address, -1);
      metrics.socketClosed();
      if (entry.tokenHash) revocation.untrack(conn, entry.tokenHash);
    },
    /** Closes a revoked session's sockets here and hints every other isolate. */
    revoke: (tokenHash: string) => revocation.revoke(tokenHash),
    /** Every open socket. */
    all: (): C[] => [...entries.keys()],
    /** Stops revalidation and the channel. */
    close: () => revocation.close(),
  };
}
