import { keys } from "./keys.ts";
import { retryCommit, type Store } from "./store.ts";

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

/** The sessions repository. */
export function createSessions({ kv, clock }: Store, ttlMs: number) {
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
      const tokenHash = await hashToken(token);
      const session = (await kv.get<Session>(keys.session(tokenHash))).value;
      await retryCommit("sessions", async () => {
        const op = kv.atomic().delete(keys.session(tokenHash));
        if (session) op.delete(keys.sessionByUser(session.userId, tokenHash));
        return (await op.commit()).ok || null;
      });
    },
  };
}

/** The sessions repository's type. */
export type Sessions = ReturnType<typeof createSessions>;
