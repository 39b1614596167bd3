import type { PasswordHash } from "../auth/password.ts";
import { conflict } from "../shared/errors.ts";
import type { UserView } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import { getManyBatched, retryCommit, type Store } from "./store.ts";

/** A user as stored. */
export type User = {
  id: string;
  handle: string;
  displayName: string;
  password: PasswordHash;
  createdAt: number;
};

/** The public view of a user. */
export function toUserView(u: User): UserView {
  return {
    id: u.id,
    handle: u.handle,
    displayName: u.displayName,
    createdAt: new Date(u.createdAt).toISOString(),
  };
}

/** The users repository: records plus the unique handle index, written together. */
export function createUsers({ kv, clock, newId }: Store) {
  return {
    /** Stores a new user; Conflict `handle_taken` when the handle (case-insensitive) exists. */
    async createUser(
      input: { handle: string; displayName: string; password: PasswordHash },
    ) {
      const user: User = { id: newId(), ...input, createdAt: clock.now() };
      const handleKey = keys.userByHandle(input.handle.toLowerCase());
      const ok = await retryCommit("users", async () =>
        (await kv.atomic()
          .check({ key: handleKey, versionstamp: null })
          .set(keys.user(user.id), user)
          .set(handleKey, user.id)
          .commit()).ok);
      if (!ok) {
        throw conflict("handle_taken", `The handle "${input.handle}" is taken`);
      }
      return user;
    },

    /** A user by id, or null. */
    async getUser(id: string): Promise<User | null> {
      return (await kv.get<User>(keys.user(id))).value;
    },

    /** Users by id, in the order given (null where unknown), read in batches. */
    async getUsers(ids: string[]): Promise<(User | null)[]> {
      const entries = await getManyBatched<User>(
        kv,
        ids.map((id) => keys.user(id)),
      );
      return entries.map((e) => e.value);
    },

    /** A user by handle (case-insensitive), or null. */
    async getUserByHandle(handle: string): Promise<User | null> {
      const idEntry = await kv.get<string>(
        keys.userByHandle(handle.toLowerCase()),
      );
      if (idEntry.value === null) return null;
      return (await kv.get<User>(keys.user(idEntry.value))).value;
    },
  };
}

/** The users repository's type. */
export type Users = ReturnType<typeof createUsers>;
