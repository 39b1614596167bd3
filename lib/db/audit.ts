import { keys } from "./keys.ts";
import { retryCommit, type Store } from "./store.ts";

/** What an audit entry records: who did what to whom, and why. */
export type AuditInput = {
  /** Who acted: "cli" for the admin CLI, a user id for a moderator. */
  actor: string;
  /** A dotted verb, e.g. "user.ban", "user.grant", "room.delete", "report.resolve". */
  action: string;
  /** What it was done to, as "<kind>:<id>", e.g. "user:01J…", "room:01J…", "report:01J…". */
  target: string;
  /** The reason the actor gave, if any. */
  reason?: string;
  /** Small facts worth keeping beside the action (a handle, a role); never secrets. */
  details?: Record<string, string | number | boolean | null>;
  /** When it happened (epoch ms); defaults to the store's clock. */
  at?: number;
};

/** An audit entry as stored, with its id (a ULID, also its key). */
export type AuditEntry = Omit<AuditInput, "at"> & { id: string; at: number };

/** A page of audit entries, newest first; pass `cursor` back for the next page. */
export type AuditPage = { items: AuditEntry[]; cursor: string | null };

/**
 * Adds an entry to a commit that is being built, checked to be new, so a change and its
 * audit entry land together or not at all; answers the entry as it will be stored.
 */
export function stageAuditEntry(
  op: Deno.AtomicOperation,
  input: AuditInput,
  id: string,
  now: number,
): AuditEntry {
  const entry: AuditEntry = { ...input, id, at: input.at ?? now };
  const key = keys.auditEntry(id);
  op.check({ key, versionstamp: null }).set(key, entry);
  return entry;
}

/** The append-only audit log of operator and moderator actions. */
export function createAuditLog({ kv, clock, newId }: Store) {
  return {
    /** Appends an entry; never overwrites one (a colliding id is retried with a new one). */
    record(input: AuditInput): Promise<AuditEntry> {
      return retryCommit("audit log", async () => {
        const op = kv.atomic();
        const entry = stageAuditEntry(op, input, newId(), clock.now());
        return (await op.commit()).ok ? entry : null;
      });
    },

    /**
     * Up to `limit` entries, newest first, older than `cursor` (the last id of the previous
     * page); the cursor is null on the last page.
     */
    async list(limit = 50, cursor?: string | null): Promise<AuditPage> {
      const prefix = keys.auditPrefix();
      const selector: Deno.KvListSelector = cursor
        ? { prefix, end: keys.auditEntry(cursor) }
        : { prefix };
      const items: AuditEntry[] = [];
      for await (
        const e of kv.list<AuditEntry>(selector, {
          limit: limit + 1,
          reverse: true,
        })
      ) items.push(e.value);
      const more = items.length > limit;
      if (more) items.pop();
      return { items, cursor: more ? items.at(-1)!.id : null };
    },
  };
}

/** The audit log's type. */
export type AuditLog = ReturnType<typeof createAuditLog>;
