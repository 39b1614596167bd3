import { keys } from "./keys.ts";
import { getManyBatched, retryCommit, type Store } from "./store.ts";

/** A server-side session; the key is the token's hash, never the token. */
export type Session = { userId: string; createdAt: number; expiresAt: number };

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");

/** SHA-256 of a token, hex-encoded: what the session key holds instead of the token. */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(token),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** A user's live session as listed to them: its token's hash stays on the server side. */
export type SessionEntry = Session & { tokenHash: string };

/** Told after a session is revoked, with the user and the hash of its token. */
export type OnRevoke = (userId: string, tokenHash: string) => void;

/** Sessions revoked per atomic operation (two keys each, far below KV's limits). */
const REVOKE_BATCH = 50;

/**
 * The sessions repository. `onRevoke` hears of every revocation after its commit, so the
 * socket hub can close the sockets the session opened.
 */
export function createSessions(
  { kv, clock }: Store,
  ttlMs: number,
  onRevoke: OnRevoke = () => {},
) {
  /** Deletes sessions (and their index entries) in checked batches, reporting each batch. */
  async function revoke(found: { userId: string; tokenHash: string }[]) {
    for (let i = 0; i < found.length; i += REVOKE_BATCH) {
      const batch = found.slice(i, i + REVOKE_BATCH);
      await retryCommit("sessions", async () => {
        const op = kv.atomic();
        for (const { userId, tokenHash } of batch) {
          op.delete(keys.session(tokenHash))
            .delete(keys.sessionByUser(userId, tokenHash));
        }
        return (await op.commit()).ok || null;
      });
      for (const { userId, tokenHash } of batch) onRevoke(userId, tokenHash);
    }
    return found.length;
  }

  /** Revokes a session by its token's hash; answers whether there was one. */
  async function deleteSessionByHash(tokenHash: string): Promise<boolean> {
    const session = (await kv.get<Session>(keys.session(tokenHash))).value;
    if (!session) return false;
    return await revoke([{ userId: session.userId, tokenHash }]) > 0;
  }

  return {
    /** Starts a session for a user and returns its 256-bit random token. */
    async createSession(
      userId: string,
    ): Promise<{ token: string; expiresAt: number }> {
      const token = b64url(crypto.getRandomValues(new Uint8Array(32)));
      const tokenHash = await hashToken(token);
      const now = clock.now();
      const session: Session = {
        userId,
        createdAt: now,
        expiresAt: now + ttlMs,
      };
      await retryCommit("sessions", async () =>
        (await kv.atomic()
          .set(keys.session(tokenHash), session, { expireIn: ttlMs })
          .set(keys.sessionByUser(userId, tokenHash), session.expiresAt, {
            expireIn: ttlMs,
          })
          .commit()).ok || null);
      return { token, expiresAt: session.expiresAt };
    },

    /** The live session for a token, or null if unknown, revoked or expired. */
    async getSession(token: string): Promise<Session | null> {
      if (token.length < 20 || token.length > 200) return null;
      const session =
        (await kv.get<Session>(keys.session(await hashToken(token)))).value;
      // expireIn is lazy: an expired key can still be read for a while, so check the time too.
      if (!session || session.expiresAt <= clock.now()) return null;
      return session;
    },

    /** Revokes the session a token names; revoking twice is harmless. */
    async deleteSession(token: string): Promise<void> {
      await deleteSessionByHash(await hashToken(token));
    },

    deleteSessionByHash,

    /** A user's live sessions, newest first (at most `limit`, from the user's index). */
    async listSessionsByUser(
      userId: string,
      limit = 200,
    ): Promise<SessionEntry[]> {
      const hashes: string[] = [];
      const iter = kv.list({ prefix: keys.sessionsByUserPrefix(userId) }, {
        limit,
      });
      for await (const e of iter) hashes.push(e.key.at(-1) as string);
      const found = await getManyBatched<Session>(
        kv,
        hashes.map((h) => keys.session(h)),
      );
      const now = clock.now();
      return found.flatMap((e, i) =>
        e.value && e.value.userId === userId && e.value.expiresAt > now
          ? [{ ...e.value, tokenHash: hashes[i] }]
          : []
      ).sort((a, b) => b.createdAt - a.createdAt);
    },

    /**
     * Revokes every session of a user (password change, "sign out everywhere", account
     * deletion), except the one whose token hash is `except`; answers how many ended.
     */
    async deleteSessionsByUser(
      userId: string,
      opts: { except?: string } = {},
    ): Promise<number> {
      const found: { userId: string; tokenHash: string }[] = [];
      const iter = kv.list({ prefix: keys.sessionsByUserPrefix(userId) });
      for await (const e of iter) {
        const tokenHash = e.key.at(-1) as string;
        if (tokenHash !== opts.except) found.push({ userId, tokenHash });
      }
      return await revoke(found);
    },
  };
}

/** The sessions repository's type. */
export type Sessions = ReturnType<typeof createSessions>;
