import { keys } from "./keys.ts";
import type { Membership } from "./members.ts";
import { retryCommit, type Store } from "./store.ts";
import { type DeletedUser, isDeletedUser, type UserRecord } from "./users.ts";

/** A deleted account's handle stays reserved this long before anyone may take it. */
export const HANDLE_GRACE_MS = 7 * 24 * 3_600_000;

/** The steps of an account deletion, in order. */
export const DELETION_STEPS = [
  "sessions",
  "memberships",
  "messages",
  "reactions",
  "private",
  "done",
] as const;

/** One step of an account deletion. */
export type DeletionStep = (typeof DELETION_STEPS)[number];

/** A pending account deletion: the step it is at and that step's KV list cursor. */
export type AccountDeletion = {
  step: DeletionStep;
  cursor: string | null;
  startedAt: number;
};

/** Keys one atomic clean-up operation deletes at most. */
const DELETE_BATCH = 100;

/** The account deletion jobs, plus the scans and clean-ups their steps need. */
export function createAccountDeletions({ kv, clock }: Store) {
  /** Deletes keys in batches, one atomic operation per batch. */
  async function deleteKeys(list: Deno.KvKey[]) {
    for (let i = 0; i < list.length; i += DELETE_BATCH) {
      await retryCommit("account clean-up", async () => {
        const op = kv.atomic();
        for (const k of list.slice(i, i + DELETE_BATCH)) op.delete(k);
        return (await op.commit()).ok || null;
      });
    }
  }

  return {
    /**
     * Starts deleting an account in one commit: the record becomes a stub, the handle stays
     * reserved for the grace period, and the job is stored at its first step. Answers the
     * pending job (a new one, or the one already running), or null when the account is
     * already gone.
     */
    begin(userId: string): Promise<AccountDeletion | null> {
      return retryCommit("account deletion", async () => {
        const [userE, jobE] = await kv.getMany<[UserRecord, AccountDeletion]>(
          [keys.user(userId), keys.accountDeletion(userId)],
        );
        if (jobE.value) return { job: jobE.value };
        const rec = userE.value;
        if (!rec || isDeletedUser(rec)) return { job: null };
        const now = clock.now();
        const handleKey = keys.userByHandle(rec.handle.toLowerCase());
        const handleE = await kv.get<string>(handleKey);
        const stub: DeletedUser = {
          id: userId,
          deleted: true,
          deletedAt: now,
          handleReservedUntil: now + HANDLE_GRACE_MS,
        };
        const job: AccountDeletion = {
          step: DELETION_STEPS[0],
          cursor: null,
          startedAt: now,
        };
        const op = kv.atomic().check(userE, jobE, handleE)
          .set(keys.user(userId), stub)
          .set(keys.accountDeletion(userId), job);
        if (handleE.value === userId) {
          op.set(handleKey, userId, { expireIn: HANDLE_GRACE_MS });
        }
        return (await op.commit()).ok ? { job } : null;
      }).then((r) => r.job);
    },

    /** The pending deletion of an account, or null. */
    async getDeletion(userId: string): Promise<AccountDeletion | null> {
      return (await kv.get<AccountDeletion>(keys.accountDeletion(userId)))
        .value;
    },

    /** Ids of accounts whose deletion is pending (at most `limit`), oldest id first. */
    async listDeletions(limit = 100): Promise<string[]> {
      const ids: string[] = [];
      const prefix = keys.accountDeletionsPrefix();
      for await (const e of kv.list({ prefix }, { limit })) {
        ids.push(e.key.at(-1) as string);
      }
      return ids;
    },

    /**
     * Records a step's progress, unless the job has finished meanwhile (another runner);
     * answers whether the job is still pending. "done" removes the job.
     */
    saveProgress(userId: string, next: AccountDeletion): Promise<boolean> {
      return retryCommit("account deletion", async () => {
        const e = await kv.get<AccountDeletion>(keys.accountDeletion(userId));
        if (!e.value) return false;
        const op = kv.atomic().check(e);
        if (next.step === "done") op.delete(keys.accountDeletion(userId));
        else op.set(keys.accountDeletion(userId), next);
        return (await op.commit()).ok || null;
      });
    },

    /** One page of entries under a prefix after a list cursor; cursor null at the end. */
    async scanPage<T>(
      prefix: Deno.KvKey,
      cursor: string | null,
      limit: number,
    ): Promise<{ entries: Deno.KvEntry<T>[]; cursor: string | null }> {
      const iter = kv.list<T>({ prefix }, {
        limit,
        cursor: cursor ?? undefined,
        batchSize: Math.min(limit, 500),
      });
      const entries: Deno.KvEntry<T>[] = [];
      for await (const e of iter) entries.push(e);
      return {
        entries,
        cursor: entries.length < limit ? null : iter.cursor,
      };
    },

    /** Deletes entries found by a scan whose repository path no longer applies. */
    dropEntries: (list: Deno.KvKey[]) => deleteKeys(list),

    /** A page of the rooms a user is a member of, in room id order. */
    async listMembershipsByUser(userId: string, limit: number) {
      const out: { roomId: string; membership: Membership }[] = [];
      const prefix = keys.roomsByMemberPrefix(userId);
      for await (const e of kv.list<Membership>({ prefix }, { limit })) {
        out.push({ roomId: e.key.at(-1) as string, membership: e.value });
      }
      return out;
    },

    /** Removes a membership whose room is gone (no log to append member.left to). */
    dropMembership(userId: string, roomId: string): Promise<void> {
      return deleteKeys([
        keys.roomMember(roomId, userId),
        keys.roomByMember(userId, roomId),
        keys.readMark(roomId, userId),
      ]);
    },

    /**
     * Deletes what only the user saw: preferences, notifications and their position, last
     * seen, the blocks they made, the conversations they deleted for themselves and their
     * visibility to people nearby.
     */
    async deletePrivateData(userId: string): Promise<void> {
      const events: Deno.KvKey[] = [];
      const prefix = keys.userEventsPrefix(userId);
      for await (const e of kv.list({ prefix })) events.push(e.key);
      for await (const e of kv.list({ prefix: keys.blocksPrefix(userId) })) {
        events.push(e.key, keys.blockedBy(e.key[2] as string, userId));
      }
      for await (
        const e of kv.list({ prefix: keys.inboxHiddenPrefix(userId) })
      ) events.push(e.key);
      // Their visibility to people nearby: the record and its geo index entry.
      const vis = await kv.get<{ geohash: string }>(keys.visibility(userId));
      if (vis.value) {
        events.push(
          keys.visibility(userId),
          keys.visibilityByGeohash(vis.value.geohash, userId),
        );
      }
      await deleteKeys([
        ...events,
        keys.userHead(userId),
        keys.notificationRead(userId),
        keys.userPrefs(userId),
        keys.lastSeen(userId),
        keys.userFix(userId),
      ]);
    },
  };
}

/** The account deletions repository's type. */
export type AccountDeletions = ReturnType<typeof createAccountDeletions>;
