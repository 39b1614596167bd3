import { DECOY_HASH, type PasswordHash } from "../auth/password.ts";
import { conflict, forbidden } from "../shared/errors.ts";
import type { UserView } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import { getManyBatched, retryCommit, type Store } from "./store.ts";

/** A site-wide role, granted by an operator (`deno task admin users grant`). */
export type SiteRole = "admin" | "moderator";

/** A user as stored. */
export type User = {
  id: string;
  handle: string;
  displayName: string;
  password: PasswordHash;
  createdAt: number;
  /** Absent for an ordinary user. */
  siteRole?: SiteRole;
  /** When an operator banned the account; absent while it is in good standing. */
  bannedAt?: number;
  /** Why, as the operator wrote it; never shown to other users. */
  banReason?: string;
  /** Shadow-banned: their new messages reach only themselves. Never shown to them. */
  shadowBanned?: boolean;
  /** A guest of an embedded room (no password, fewer rights) until claimed by registering. */
  guest?: true;
};

/** What an operator changes on a user: a role and a ban; null removes it. */
export type Standing = {
  siteRole?: SiteRole | null;
  ban?: { at: number; reason?: string } | null;
  shadowBan?: boolean;
};

/** Whether an operator has banned the user: it may not sign in or use a session. */
export const isBanned = (u: User): boolean => u.bannedAt !== undefined;

/** Whether the user is a guest of an embedded room. */
export const isGuest = (u: User): boolean => u.guest === true;

/** The user with a standing change applied; fields set to null are removed. */
function withStanding(user: User, change: Standing): User {
  const next: User = { ...user };
  if (change.siteRole === null) delete next.siteRole;
  else if (change.siteRole) next.siteRole = change.siteRole;
  if (change.ban === null) {
    delete next.bannedAt;
    delete next.banReason;
  } else if (change.ban) {
    next.bannedAt = change.ban.at;
    if (change.ban.reason) next.banReason = change.ban.reason;
    else delete next.banReason;
  }
  if (change.shadowBan === true) next.shadowBanned = true;
  else if (change.shadowBan === false) delete next.shadowBanned;
  return next;
}

/**
 * What replaces a deleted account's record: no handle, name or password. Its old handle
 * stays reserved (the handle index still points here) until `handleReservedUntil`.
 */
export type DeletedUser = {
  id: string;
  deleted: true;
  deletedAt: number;
  handleReservedUntil: number;
};

/** A users-collection record: a live user or a deleted account's stub. */
export type UserRecord = User | DeletedUser;

/** Whether a record is a deleted account's stub. */
export const isDeletedUser = (r: UserRecord | null): r is DeletedUser =>
  r !== null && "deleted" in r && r.deleted === true;

const liveOnly = (r: UserRecord | null): User | null =>
  isDeletedUser(r) ? null : r;

/** The public view of a user. */
export function toUserView(u: User): UserView {
  return {
    id: u.id,
    handle: u.handle,
    displayName: u.displayName,
    createdAt: new Date(u.createdAt).toISOString(),
    ...(u.guest ? { guest: true as const } : {}),
  };
}

/** The users repository: records plus the unique handle index, written together. */
export function createUsers({ kv, clock, newId }: Store) {
  /** Whether the handle index entry leaves the handle free to take. */
  async function isFree(held: Deno.KvEntryMaybe<string>): Promise<boolean> {
    if (held.value === null) return true;
    // A deleted account's handle is free once its reservation is over (expireIn is lazy).
    const owner = (await kv.get<UserRecord>(keys.user(held.value))).value;
    return isDeletedUser(owner) && owner.handleReservedUntil <= clock.now();
  }

  /** Stores a new user; Conflict `handle_taken` when the handle (case-insensitive) exists. */
  async function createUser(
    input: {
      handle: string;
      displayName: string;
      password: PasswordHash;
      guest?: true;
    },
  ) {
    const user: User = { id: newId(), ...input, createdAt: clock.now() };
    const handleKey = keys.userByHandle(input.handle.toLowerCase());
    const ok = await retryCommit("users", async () => {
      const held = await kv.get<string>(handleKey);
      if (!await isFree(held)) return false;
      return (await kv.atomic()
        .check(held)
        .set(keys.user(user.id), user)
        .set(handleKey, user.id)
        .commit()).ok || null;
    });
    if (!ok) {
      throw conflict("handle_taken", `The handle "${input.handle}" is taken`);
    }
    return user;
  }

  return {
    createUser,

    /**
     * Stores a guest under a generated handle: no password can sign in to it (the decoy hash),
     * only the session made for it. Conflict `handle_taken` as createUser.
     */
    createGuest: (input: { handle: string; displayName: string }) =>
      createUser({ ...input, password: DECOY_HASH, guest: true }),

    /**
     * Turns a live guest into an ordinary account in one checked commit: the new handle and
     * password, the same id (so its memberships, messages and sessions stay). 403 `not_guest`
     * for anyone else; Conflict `handle_taken` as createUser.
     */
    claimGuest(
      id: string,
      input: { handle: string; password: PasswordHash },
    ): Promise<User> {
      const handleKey = keys.userByHandle(input.handle.toLowerCase());
      return retryCommit("users", async () => {
        const [e, held] = await kv.getMany<[UserRecord, string]>([
          keys.user(id),
          handleKey,
        ]);
        const user = liveOnly(e.value);
        if (!user || !user.guest) {
          throw forbidden("not_guest", "Only a guest account can be claimed");
        }
        if (!await isFree(held)) {
          throw conflict(
            "handle_taken",
            `The handle "${input.handle}" is taken`,
          );
        }
        const { guest: _, ...rest } = user;
        const next: User = { ...rest, ...input };
        const res = await kv.atomic().check(e, held)
          .set(keys.user(id), next)
          .set(handleKey, id)
          .delete(keys.userByHandle(user.handle.toLowerCase()))
          .commit();
        return res.ok ? next : null;
      });
    },

    /** A user by id, or null (also for a deleted account). */
    async getUser(id: string): Promise<User | null> {
      return liveOnly((await kv.get<UserRecord>(keys.user(id))).value);
    },

    /** Users by id, in the order given (null where unknown or deleted), read in batches. */
    async getUsers(ids: string[]): Promise<(User | null)[]> {
      const entries = await getManyBatched<UserRecord>(
        kv,
        ids.map((id) => keys.user(id)),
      );
      return entries.map((e) => liveOnly(e.value));
    },

    /**
     * Changes a live user's display name or password hash in one checked commit; answers
     * the user as stored, or null when there is no live user.
     */
    updateUser(
      id: string,
      patch: Partial<Pick<User, "displayName" | "password">>,
    ): Promise<User | null> {
      return retryCommit("users", async () => {
        const e = await kv.get<UserRecord>(keys.user(id));
        const user = liveOnly(e.value);
        if (!user) return { user: null };
        const next: User = { ...user, ...patch };
        const res = await kv.atomic().check(e).set(keys.user(id), next)
          .commit();
        return res.ok ? { user: next } : null;
      }).then((r) => r.user);
    },

    /**
     * Sets or removes a live user's site role and ban in one checked commit; answers the
     * user as stored, or null when there is no live user.
     */
    updateStanding(id: string, change: Standing): Promise<User | null> {
      return retryCommit("users", async () => {
        const e = await kv.get<UserRecord>(keys.user(id));
        const user = liveOnly(e.value);
        if (!user) return { user: null };
        const next = withStanding(user, change);
        const res = await kv.atomic().check(e).set(keys.user(id), next)
          .commit();
        return res.ok ? { user: next } : null;
      }).then((r) => r.user);
    },

    /** A user by handle (case-insensitive), or null. */
    async getUserByHandle(handle: string): Promise<User | null> {
      const idEntry = await kv.get<string>(
        keys.userByHandle(handle.toLowerCase()),
      );
      if (idEntry.value === null) return null;
      return liveOnly(
        (await kv.get<UserRecord>(keys.user(idEntry.value))).value,
      );
    },
  };
}

/** The users repository's type. */
export type Users = ReturnType<typeof createUsers>;
