import type { UserPrefs } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import { getManyBatched, retryCommit, type Store } from "./store.ts";

/** The preferences of a user who never saved any. */
export const DEFAULT_PREFS: UserPrefs = { privateReading: false };

// Stored values are merged over the defaults, so a preference added later reads its default.
const withDefaults = (stored: Partial<UserPrefs> | null): UserPrefs => ({
  ...DEFAULT_PREFS,
  ...stored,
});

/** The preferences repository: one record per user. */
export function createPrefs({ kv }: Store) {
  return {
    /** A user's preferences, or the defaults. */
    async getPrefs(userId: string): Promise<UserPrefs> {
      const e = await kv.get<Partial<UserPrefs>>(keys.userPrefs(userId));
      return withDefaults(e.value);
    },

    /** Replaces a user's preferences and returns them as stored. */
    setPrefs(userId: string, prefs: UserPrefs): Promise<UserPrefs> {
      const value = withDefaults(prefs);
      return retryCommit("user prefs", async () => {
        const res = await kv.atomic().set(keys.userPrefs(userId), value)
          .commit();
        return res.ok ? value : null;
      });
    },

    /** Many users' preferences by id (read in batches of 10); every id gets an entry. */
    async getManyPrefs(userIds: string[]): Promise<Map<string, UserPrefs>> {
      const entries = await getManyBatched<Partial<UserPrefs>>(
        kv,
        userIds.map((id) => keys.userPrefs(id)),
      );
      return new Map(
        userIds.map((id, i) => [id, withDefaults(entries[i].value)]),
      );
    },
  };
}

/** The preferences repository's type. */
export type Prefs = ReturnType<typeof createPrefs>;
