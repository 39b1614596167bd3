import { DECOY_HASH, hashPassword, verifyPassword } from "../auth/password.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import type { Sessions } from "../db/sessions.ts";
import { isBanned, toUserView, type User, type Users } from "../db/users.ts";
import { AppError, forbidden } from "../shared/errors.ts";
import type { ClaimInput } from "../shared/embed_schemas.ts";
import type { LoginInput, RegisterInput, UserView } from "../shared/schemas.ts";
import { LIMITS } from "./limits.ts";

/** What register and login answer: the user and a fresh session token. */
export type SignedIn = { user: UserView; token: string; expiresAt: number };

/** Account operations: register, log in, log out, and resolve a token to its user. */
export function createAccounts(
  users: Users,
  sessions: Sessions,
  limits: RateLimits,
) {
  async function signIn(user: User): Promise<SignedIn> {
    const { token, expiresAt } = await sessions.createSession(user.id);
    return { user: toUserView(user), token, expiresAt };
  }

  return {
    /** Creates an account and signs it in; 409 `handle_taken` on a duplicate handle. */
    async register(input: RegisterInput, address: string): Promise<SignedIn> {
      await limits.hit(LIMITS.register, address);
      const password = await hashPassword(input.password);
      return signIn(await users.createUser({ ...input, password }));
    },

    /**
     * Checks a password and signs in; one 401 for unknown handle and wrong password alike.
     * Throttled per address, and per (address, handle) with backoff, so guessing from one
     * place slows down without locking the owner out from another (LIMITS explains).
     */
    async login(input: LoginInput, address: string): Promise<SignedIn> {
      const handle = input.handle.toLowerCase();
      const streak = `${address} ${handle}`;
      await limits.hit(LIMITS.login, address);
      const hot = await limits.isFull(LIMITS.loginHandle, handle);
      const backoff = hot ? LIMITS.loginBackoffHot : LIMITS.loginBackoff;
      await limits.reserveAttempt(backoff, streak);
      await limits.count(LIMITS.loginHandle, handle);
      const user = await users.getUserByHandle(input.handle);
      const ok = await verifyPassword(
        input.password,
        user?.password ?? DECOY_HASH,
      );
      if (!user || !ok) {
        throw new AppError(401, "bad_credentials", "Wrong handle or password");
      }
      await limits.resetBackoff(backoff, streak);
      // Only after the password: nobody else learns from a login that an account is banned.
      if (isBanned(user)) {
        throw forbidden("banned", "This account has been banned");
      }
      return signIn(user);
    },

    /**
     * Turns the signed-in guest into an ordinary account with a handle and password, keeping
     * its id, memberships, messages and sessions; limited like registering (per address).
     */
    async claim(
      user: User,
      input: ClaimInput,
      address: string,
    ): Promise<UserView> {
      if (!user.guest) {
        throw forbidden("not_guest", "Only a guest account can be claimed");
      }
      await limits.hit(LIMITS.register, address);
      const password = await hashPassword(input.password);
      return toUserView(
        await users.claimGuest(user.id, { ...input, password }),
      );
    },

    /** Revokes a session token. */
    logout: (token: string) => sessions.deleteSession(token),

    /** The user a live session token belongs to, or null (also when the user is banned). */
    async authenticate(token: string | undefined | null): Promise<User | null> {
      if (!token) return null;
      const session = await sessions.getSession(token);
      const user = session ? await users.getUser(session.userId) : null;
      // A ban revokes every session, but a sign-in racing it may have made a new one.
      return user && !isBanned(user) ? user : null;
    },
  };
}

/** The account service's type. */
export type Accounts = ReturnType<typeof createAccounts>;
