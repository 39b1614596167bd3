import { hashPassword, verifyPassword } from "../auth/password.ts";
import type { AccountDeletions } from "../db/account_deletions.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import { LIMITS } from "./limits.ts";
import type { Sessions } from "../db/sessions.ts";
import { toUserView, type User, type Users } from "../db/users.ts";
import type { Clock } from "../shared/clock.ts";
import { AppError, notFound, unauthorized } from "../shared/errors.ts";
import type { UserView } from "../shared/schemas.ts";
import type { MySessionView } from "../shared/account_schemas.ts";
import type { AccountExport } from "./account_export.ts";
import type { DeletionRunner } from "./account_deletion.ts";

/** Hex characters of a token's hash that name a session to its owner. */
const SESSION_ID_CHARS = 16;

/** What the account self-service needs. */
export type AccountSelfDeps = {
  users: Users;
  sessions: Sessions;
  limits: RateLimits;
  deletions: AccountDeletions;
  runner: DeletionRunner;
  exporter: AccountExport;
  clock: Clock;
};

/** The signed-in user's own account: name, password, sessions, export and deletion. */
export function createAccountSelf(deps: AccountSelfDeps) {
  const { users, sessions, limits, deletions, runner } = deps;

  /** Refuses (400 `wrong_password`) unless `password` is the user's, within the limit. */
  async function checkPassword(user: User, password: string, field: string) {
    await limits.hit(LIMITS.passwordCheck, user.id);
    if (!await verifyPassword(password, user.password)) {
      throw new AppError(400, "wrong_password", "That password is wrong", {
        field,
      });
    }
  }

  return {
    /** Renames the user (the name is validated by DisplayNameSchema at the boundary). */
    async changeDisplayName(
      user: User,
      displayName: string,
    ): Promise<UserView> {
      const saved = await users.updateUser(user.id, { displayName });
      if (!saved) throw unauthorized();
      return toUserView(saved);
    },

    /**
     * Sets a new password after checking the old one, then signs out every other session
     * (their sockets close); answers how many sessions ended.
     */
    async changePassword(
      user: User,
      currentTokenHash: string,
      input: { oldPassword: string; newPassword: string },
    ): Promise<{ revokedSessions: number }> {
      await checkPassword(user, input.oldPassword, "oldPassword");
      const password = await hashPassword(input.newPassword);
      if (!await users.updateUser(user.id, { password })) throw unauthorized();
      const revokedSessions = await sessions.deleteSessionsByUser(user.id, {
        except: currentTokenHash,
      });
      return { revokedSessions };
    },

    /** My live sessions, newest first, the current one marked; ids are hash prefixes. */
    async listSessions(
      user: User,
      currentTokenHash: string,
    ): Promise<MySessionView[]> {
      return (await sessions.listSessionsByUser(user.id)).map((s) => ({
        id: s.tokenHash.slice(0, SESSION_ID_CHARS),
        createdAt: new Date(s.createdAt).toISOString(),
        expiresAt: new Date(s.expiresAt).toISOString(),
        current: s.tokenHash === currentTokenHash,
      }));
    },

    /** Revokes one of my sessions by its listed id; 404 when I have none by that id. */
    async revokeSession(user: User, id: string): Promise<void> {
      const found = (await sessions.listSessionsByUser(user.id))
        .find((s) => s.tokenHash.slice(0, SESSION_ID_CHARS) === id);
      if (!found) throw notFound("Session");
      await sessions.deleteSessionByHash(found.tokenHash);
    },

    /** Revokes every session of mine but the current one; answers how many ended. */
    revokeOtherSessions(user: User, currentTokenHash: string): Promise<number> {
      return sessions.deleteSessionsByUser(user.id, {
        except: currentTokenHash,
      });
    },

    /** My data as one JSON document. */
    exportData: (user: User) =>
      deps.exporter.exportData(user, deps.clock.now()),

    /**
     * Deletes my account after checking my password: the record becomes a stub at once,
     * then the job revokes sessions, leaves rooms, tombstones messages and clears the rest.
     */
    async deleteAccount(user: User, password: string): Promise<void> {
      await checkPassword(user, password, "password");
      await deletions.begin(user.id);
      await runner.runDeletion(user.id);
    },

    /** Finishes every pending deletion (after a crash); answers how many it ran. */
    async resumeDeletions(): Promise<number> {
      let n = 0;
      for (const id of await deletions.listDeletions()) {
        if (await runner.runDeletion(id)) n++;
      }
      return n;
    },
  };
}

/** The account self-service's type. */
export type AccountSelf = ReturnType<typeof createAccountSelf>;
