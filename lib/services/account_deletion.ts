import type {
  AccountDeletion,
  AccountDeletions,
} from "../db/account_deletions.ts";
import { keys } from "../db/keys.ts";
import type { MessageActions } from "../db/message_actions.ts";
import type { Members } from "../db/members.ts";
import type { Message } from "../db/room_log.ts";
import type { Sessions } from "../db/sessions.ts";
import { AppError } from "../shared/errors.ts";

/** Memberships one step leaves (each one room-log commit). */
const MEMBERSHIPS_PER_STEP = 20;
/** Message entries one step scans for the user's own. */
const MESSAGES_SCANNED_PER_STEP = 500;
/** Reaction entries one step scans for the user's own. */
const REACTIONS_SCANNED_PER_STEP = 1000;

/** What the deletion steps work through; tests wrap one to make a step fail. */
export type DeletionDeps = {
  deletions: AccountDeletions;
  sessions: Sessions;
  members: Members;
  actions: MessageActions;
};

/** The author a deleted account leaves rooms as (only the id is used). */
const ghost = (id: string) => ({
  id,
  handle: "deleted",
  displayName: "Deleted user",
});

const allowAll = () => {};

/** Expected refusals when the thing a step acts on is already gone. */
const gone = (err: unknown) =>
  err instanceof AppError && (err.status === 404 || err.status === 409);

/**
 * Runs account deletion jobs in bounded steps; each step is idempotent and its progress is
 * stored before the next, so a crash resumes where it stopped and a rerun is harmless.
 */
export function createDeletionRunner(deps: DeletionDeps) {
  const { deletions, sessions, members, actions } = deps;
  const at = (step: AccountDeletion["step"], job: AccountDeletion) => ({
    ...job,
    step,
    cursor: null,
  });

  async function leaveRooms(userId: string, job: AccountDeletion) {
    const page = await deletions.listMembershipsByUser(
      userId,
      MEMBERSHIPS_PER_STEP,
    );
    for (const { roomId } of page) {
      try {
        await members.deleteMember(roomId, ghost(userId));
      } catch (err) {
        if (!gone(err)) throw err;
        await deletions.dropMembership(userId, roomId);
      }
    }
    return page.length < MEMBERSHIPS_PER_STEP ? at("messages", job) : job;
  }

  /** Who a deleted account's messages show as: no handle, which no account can have. */
  const deletedAuthor = (id: string) => ({
    id,
    handle: "",
    displayName: "Deleted user",
  });

  async function tombstoneMessages(userId: string, job: AccountDeletion) {
    const page = await deletions.scanPage<Message>(
      keys.allMessagesPrefix(),
      job.cursor,
      MESSAGES_SCANNED_PER_STEP,
    );
    const stand = deletedAuthor(userId);
    for (const { value: m } of page.entries) {
      if (m.author.id !== userId || m.author.handle === stand.handle) continue;
      try {
        // Tombstones lose the handle too: it is freed later and may name someone else then.
        await actions.deleteMessage(m.roomId, m.seq, allowAll, {
          author: stand,
        });
      } catch (err) {
        if (!gone(err)) throw err;
      }
    }
    return page.cursor ? { ...job, cursor: page.cursor } : at("reactions", job);
  }

  async function clearReactions(userId: string, job: AccountDeletion) {
    const page = await deletions.scanPage<number>(
      keys.allReactionsPrefix(),
      job.cursor,
      REACTIONS_SCANNED_PER_STEP,
    );
    for (const { key } of page.entries) {
      const [, roomId, seq, emoji, who] = key as [
        string,
        string,
        number,
        string,
        string,
      ];
      if (who !== userId) continue;
      try {
        await actions.setReaction(roomId, seq, userId, emoji, false, allowAll);
      } catch (err) {
        if (!gone(err)) throw err;
        await deletions.dropEntries([key]);
      }
    }
    return page.cursor ? { ...job, cursor: page.cursor } : at("private", job);
  }

  /** Does one bounded step and answers the job's next state. */
  async function advance(userId: string, job: AccountDeletion) {
    switch (job.step) {
      case "sessions":
        await sessions.deleteSessionsByUser(userId);
        return at("memberships", job);
      case "memberships":
        return await leaveRooms(userId, job);
      case "messages":
        return await tombstoneMessages(userId, job);
      case "reactions":
        return await clearReactions(userId, job);
      case "private":
        await deletions.deletePrivateData(userId);
        // A sign-in that raced the start may have made a session since the first step.
        await sessions.deleteSessionsByUser(userId);
        return at("done", job);
      case "done":
        return job;
    }
  }

  return {
    /** Runs a pending deletion to its end; answers whether there was one. */
    async runDeletion(userId: string): Promise<boolean> {
      let job = await deletions.getDeletion(userId);
      if (!job) return false;
      while (job && job.step !== "done") {
        const next: AccountDeletion = await advance(userId, job);
        if (!await deletions.saveProgress(userId, next)) break;
        job = next;
      }
      return true;
    },
  };
}

/** The deletion runner's type. */
export type DeletionRunner = ReturnType<typeof createDeletionRunner>;
