import { conflict, notFound } from "../shared/errors.ts";
import type {
  FlagRule,
  ReportReason,
  ReportStatus,
} from "../shared/moderation_schemas.ts";
import { type AuditEntry, type AuditInput, stageAuditEntry } from "./audit.ts";
import { keys } from "./keys.ts";
import { getManyBatched, retryCommit, type Store } from "./store.ts";

/** Distinct people holding open reports of one target that make it an automatic flag. */
export const MANY_REPORTS = 3;

/** What a report is about: a user, and for a message its room and seq (else the room it came up in). */
export type ReportTarget = {
  userId: string;
  handle: string;
  roomId: string | null;
  messageSeq: number | null;
};

/** A report as stored: a person's (`user`) or the flag rules' (`auto`). */
export type Report = {
  id: string;
  source: "user" | "auto";
  reporterId: string | null;
  target: ReportTarget;
  reason: ReportReason | null;
  note: string | null;
  /** The reported message's text at report time; only ever kept here. */
  snapshot: string | null;
  status: ReportStatus;
  rules: FlagRule[];
  hits: number;
  createdAt: number;
  updatedAt: number;
  closedBy: string | null;
  closedAt: number | null;
  closeNote: string | null;
};

/** A person's report, before it is stored. */
export type NewReport = {
  reporterId: string;
  target: ReportTarget;
  reason: ReportReason;
  note: string | null;
  snapshot: string | null;
};

/** The fields of a report that is still open. */
const OPEN = {
  status: "open",
  closedBy: null,
  closedAt: null,
  closeNote: null,
} as const;

/** The string a target is deduplicated and counted by. */
export const targetKeyOf = (t: ReportTarget): string =>
  t.messageSeq === null
    ? `user:${t.userId}`
    : `message:${t.roomId}:${t.messageSeq}`;

/** Writes (or, with `drop`, deletes) a report's status and room index entries. */
function index(op: Deno.AtomicOperation, r: Report, drop = false) {
  const ks: Deno.KvKey[] = [keys.reportByStatus(r.status, r.id)];
  if (r.target.roomId) {
    ks.push(keys.reportByRoom(r.target.roomId, r.status, r.id));
  }
  for (const k of ks) {
    if (drop) op.delete(k);
    else op.set(k, 1);
  }
}

/** Reports and automatic flags: deduplicated, counted and closed in checked commits. */
export function createReports({ kv, clock, newId }: Store) {
  /**
   * Adds to `op` the open automatic report of `target` with `rules` added and one more hit,
   * or a new one; reads what it changes and checks it, so concurrent flags make one report.
   */
  async function stageFlag(
    op: Deno.AtomicOperation,
    target: ReportTarget,
    rules: FlagRule[],
    snapshot: string | null,
    now: number,
  ): Promise<Report> {
    const flagKey = keys.openFlagByTarget(targetKeyOf(target));
    const held = await kv.get<string>(flagKey);
    const cur = held.value
      ? await kv.get<Report>(keys.report(held.value))
      : null;
    op.check(held);
    if (cur?.value?.status === "open") {
      const next: Report = {
        ...cur.value,
        rules: [...new Set([...cur.value.rules, ...rules])],
        hits: cur.value.hits + 1,
        updatedAt: now,
      };
      op.check(cur).set(keys.report(next.id), next);
      return next;
    }
    const report: Report = {
      id: newId(),
      source: "auto",
      reporterId: null,
      target,
      reason: null,
      note: null,
      snapshot,
      ...OPEN,
      rules: [...new Set(rules)],
      hits: 1,
      createdAt: now,
      updatedAt: now,
    };
    op.set(keys.report(report.id), report).set(flagKey, report.id);
    index(op, report);
    return report;
  }

  /**
   * Adds to `op` what frees a closed report's target: a person may report it again (and
   * counts one less towards many reports); the rules may open a new automatic report.
   */
  async function releaseTarget(op: Deno.AtomicOperation, r: Report) {
    const target = targetKeyOf(r.target);
    if (r.source === "auto") {
      const flag = await kv.get<string>(keys.openFlagByTarget(target));
      if (flag.value === r.id) op.check(flag).delete(flag.key);
      return;
    }
    const [open, count] = await kv.getMany<[string, number]>([
      keys.openReportByReporter(r.reporterId!, target),
      keys.reportCount(target),
    ]);
    if (open.value === r.id) op.check(open).delete(open.key);
    const n = Math.max(0, (count.value ?? 0) - 1);
    op.check(count);
    if (n === 0) op.delete(count.key);
    else op.set(count.key, n);
  }

  async function getReport(id: string): Promise<Report | null> {
    return (await kv.get<Report>(keys.report(id))).value;
  }

  return {
    getReport,

    /**
     * Files a person's report, unless they already hold an open one of the same target
     * (answered instead, created=false). The report that makes MANY_REPORTS people flags the
     * target in the same commit, so however many report at once, it flags once.
     */
    fileReport(input: NewReport) {
      const target = targetKeyOf(input.target);
      const openKey = keys.openReportByReporter(input.reporterId, target);
      const countKey = keys.reportCount(target);
      return retryCommit("reports", async () => {
        const [open, count] = await kv.getMany<[string, number]>([
          openKey,
          countKey,
        ]);
        const existing = open.value ? await getReport(open.value) : null;
        if (existing) {
          return { report: existing, created: false, flag: null };
        }
        const now = clock.now();
        const report: Report = {
          id: newId(),
          source: "user",
          ...input,
          ...OPEN,
          rules: [],
          hits: 0,
          createdAt: now,
          updatedAt: now,
        };
        const n = (count.value ?? 0) + 1;
        const op = kv.atomic().check(open).check(count)
          .set(keys.report(report.id), report)
          .set(openKey, report.id)
          .set(countKey, n)
          .set(keys.reportByReporter(input.reporterId, report.id), 1);
        index(op, report);
        // A user reported by many is a site-wide matter: its flag belongs to no one room.
        const flagTarget = input.target.messageSeq === null
          ? { ...input.target, roomId: null }
          : input.target;
        const flag = n === MANY_REPORTS
          ? await stageFlag(
            op,
            flagTarget,
            ["many_reports"],
            input.snapshot,
            now,
          )
          : null;
        return (await op.commit()).ok ? { report, created: true, flag } : null;
      });
    },

    /** Flags a target by the rules: its one open automatic report gains the rules and a hit. */
    flag(target: ReportTarget, rules: FlagRule[], snapshot: string | null) {
      return retryCommit("reports", async () => {
        const op = kv.atomic();
        const report = await stageFlag(
          op,
          target,
          rules,
          snapshot,
          clock.now(),
        );
        return (await op.commit()).ok ? report : null;
      });
    },

    /**
     * Closes an open report as resolved or dismissed, with its audit entry in the same
     * commit; 404 when unknown, 409 `already_closed` when it was closed before.
     */
    closeReport(
      id: string,
      close: {
        status: "resolved" | "dismissed";
        by: string;
        note: string | null;
      },
      audit: Omit<AuditInput, "at">,
    ): Promise<{ report: Report; entry: AuditEntry }> {
      return retryCommit("reports", async () => {
        const e = await kv.get<Report>(keys.report(id));
        if (!e.value) throw notFound("Report");
        if (e.value.status !== "open") {
          throw conflict("already_closed", "This report is already closed");
        }
        const now = clock.now();
        const report: Report = {
          ...e.value,
          status: close.status,
          closedBy: close.by,
          closedAt: now,
          closeNote: close.note,
          updatedAt: now,
        };
        const op = kv.atomic().check(e).set(keys.report(id), report);
        index(op, e.value, true);
        index(op, report);
        await releaseTarget(op, e.value);
        const entry = stageAuditEntry(op, audit, newId(), now);
        return (await op.commit()).ok ? { report, entry } : null;
      });
    },

    /**
     * Reports in one status (of one room, if given), newest first, older than `before`
     * (the previous page's cursor).
     */
    async listReports(
      opts: {
        status: ReportStatus;
        roomId?: string;
        limit: number;
        before?: string;
      },
    ): Promise<{ items: Report[]; cursor: string | null }> {
      const prefix = opts.roomId
        ? keys.reportsByRoomPrefix(opts.roomId, opts.status)
        : keys.reportsByStatusPrefix(opts.status);
      const selector: Deno.KvListSelector = opts.before
        ? { prefix, end: [...prefix, opts.before] }
        : { prefix };
      const ids: string[] = [];
      for await (
        const e of kv.list(selector, { limit: opts.limit + 1, reverse: true })
      ) ids.push(e.key.at(-1) as string);
      const more = ids.length > opts.limit;
      if (more) ids.pop();
      const entries = await getManyBatched<Report>(kv, ids.map(keys.report));
      const items = entries.flatMap((e) => e.value ? [e.value] : []);
      return { items, cursor: more ? ids.at(-1)! : null };
    },

    /** Up to `limit` reports a user made, oldest first. */
    async listReportsByReporter(userId: string, limit: number) {
      const ids: string[] = [];
      for await (
        const e of kv.list({ prefix: keys.reportsByReporterPrefix(userId) }, {
          limit,
        })
      ) ids.push(e.key.at(-1) as string);
      const entries = await getManyBatched<Report>(kv, ids.map(keys.report));
      return entries.flatMap((e) => e.value ? [e.value] : []);
    },
  };
}

/** The reports repository's type. */
export type Reports = ReturnType<typeof createReports>;
