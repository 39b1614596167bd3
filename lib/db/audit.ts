import { retryCommit, type Store } from "./store.ts";

/**
 * The audit log's key: ULIDs sort by time, so a reverse scan lists newest first.
 * It belongs in keys.ts with every other key; kept here until that file's pending rework lands.
 */
const auditKey = (id: string) => ["audit_log", id] as const;
const AUDIT_PREFIX = ["audit_log"] as const;

/** What an audit entry records: who did what to whom, and why. */
export type AuditInput = {
  /** Who acted: "cli" for the admin CLI, a user id for a moderator. */
  actor: string;
  /** A dotted verb, e.g. "user.ban", "user.grant", "room.delete". */
  action: string;
  /** What it was done to, as "<kind>:<id>", e.g. "user:01J…", "room:01J…". */
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

/** The append-only audit log of operator and moderator actions. */
export function createAuditLog({ kv, clock, newId }: Store) {
  return {
    /** Appends an entry; never overwrites one (a colliding id is retried with a new one). */
    record(input: AuditInput): Promise<AuditEntry> {
      return retryCommit("audit log", async () => {
        const entry: AuditEntry = {
          ...input,
          id: newId(),
          at: input.at ?? clock.now(),
        };
        const key = auditKey(entry.id);
        const res = await kv.atomic().check({ key, versionstamp: null })
          .set(key, entry).commit();
        return res.ok ? entry : null;
      });
    },

    /** Up to `limit` entries, newest first, after `cursor` (from a previous page). */
    async list(limit = 50, cursor?: string | null): Promise<AuditPage> {
      const iter = kv.list<AuditEntry>({ prefix: AUDIT_PREFIX }, {
        limit,
        reverse: true,
        cursor: cursor ?? undefined,
      });
      const items: AuditEntry[] = [];
      for await (const e of iter) items.push(e.value);
      return { items, cursor: items.length < limit ? null : iter.cursor };
    },
  };
}

/** The audit log's type. */
export type AuditLog = ReturnType<typeof createAuditLog>;
