import { useEffect, useRef, useState } from "preact/hooks";
import type { AuditEntryView } from "../lib/shared/moderation_schemas.ts";
import type {
  ModerationReportView,
  ReportStatus,
} from "../lib/shared/moderation_schemas.ts";
import { personLabel } from "../components/PersonName.tsx";
import type {
  AccountView,
  SiteRoleChoice,
} from "../components/ModerationStanding.tsx";
import type { ApiResult } from "./api_client.ts";
import {
  accountApi,
  closeReport,
  listAudit,
  listReports,
} from "./moderation_api.ts";

/** Most accounts looked up at once to name the people in the audit log. */
export const MAX_NAME_LOOKUPS = 20;

/** A list loaded page by page: null until the first page arrives. */
export type Paged<T> = {
  items: T[] | null;
  cursor: string | null;
  busy: boolean;
  error: string;
};

/** One account's standing, as loaded for a report's target. */
export type AccountState = { data: AccountView | null; error: string };

const empty = <T>(): Paged<T> => ({
  items: null,
  cursor: null,
  busy: false,
  error: "",
});

/** Loads pages into a Paged list; a first page replaces, a later one appends. */
function usePaged<T>(
  fetch: (cursor: string | null) => Promise<
    ApiResult<{ items: T[]; cursor: string | null }>
  >,
) {
  const [list, setList] = useState<Paged<T>>(empty);
  const gen = useRef(0);
  async function load(more: boolean) {
    const mine = ++gen.current;
    const cursor = more ? list.cursor : null;
    setList((l) => ({ ...l, busy: true, error: "" }));
    const r = await fetch(cursor);
    // A newer load (a filter change) wins over one still on its way.
    if (mine !== gen.current) return;
    setList((l) =>
      r.ok
        ? {
          items: more ? [...(l.items ?? []), ...r.data.items] : r.data.items,
          cursor: r.data.cursor,
          busy: false,
          error: "",
        }
        : { ...l, busy: false, error: r.message }
    );
  }
  return { list, setList, load };
}

/** Names the people the audit log mentions: first from the reports, then by looking them up. */
function useNames(reports: ModerationReportView[] | null) {
  const [names, setNames] = useState<Record<string, string>>({});
  const asked = useRef(new Set<string>());
  useEffect(() => {
    const known: Record<string, string> = {};
    for (const r of reports ?? []) {
      known[r.targetUser.id] = personLabel({
        displayName: r.targetUser.displayName ?? "Deleted user",
        handle: r.targetUser.handle,
      });
      if (r.reporter?.handle) known[r.reporter.id] = `@${r.reporter.handle}`;
    }
    setNames((n) => ({ ...known, ...n }));
  }, [reports]);
  async function lookUp(ids: string[]) {
    const fresh = ids.filter((id) => !asked.current.has(id))
      .slice(0, MAX_NAME_LOOKUPS);
    fresh.forEach((id) => asked.current.add(id));
    const found = await Promise.all(fresh.map((id) => accountApi.standing(id)));
    const add = Object.fromEntries(
      found.flatMap((r) => r.ok ? [[r.data.id, personLabel(r.data)]] : []),
    );
    setNames((n) => ({ ...n, ...add }));
  }
  return { names, lookUp };
}

/** The user ids an audit entry names (its actor and a user target). */
export function auditPeople(entries: AuditEntryView[]): string[] {
  const ids = new Set<string>();
  for (const e of entries) {
    if (e.actor !== "cli") ids.add(e.actor);
    if (e.target.startsWith("user:")) ids.add(e.target.slice(5));
    const about = e.details?.targetUser;
    if (typeof about === "string") ids.add(about);
  }
  return [...ids];
}

/** The site moderation page's state: the queue, account standings and the audit log. */
export function useSiteModeration(meId: string) {
  const [status, setStatus] = useState<ReportStatus>("open");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [accounts, setAccounts] = useState<Record<string, AccountState>>({});
  const queue = usePaged<ModerationReportView>((cursor) =>
    listReports({ status, cursor })
  );
  const audit = usePaged<AuditEntryView>(listAudit);
  const { names, lookUp } = useNames(queue.list.items);

  useEffect(() => void queue.load(false), [status]);
  useEffect(() => void audit.load(false), []);
  useEffect(() => {
    const ids = auditPeople(audit.list.items ?? []);
    const unknown = ids.filter((id) => !names[id] && id !== meId);
    if (unknown.length) lookUp(unknown);
  }, [audit.list.items]);

  async function loadAccount(userId: string) {
    const r = await accountApi.standing(userId);
    setAccounts((a) => ({
      ...a,
      [userId]: r.ok
        ? { data: r.data, error: "" }
        : { data: a[userId]?.data ?? null, error: r.message },
    }));
  }
  /** Runs one action; then the account (if any) and the audit log are read again. */
  async function act(
    call: Promise<ApiResult<unknown>>,
    done: string,
    userId?: string,
  ) {
    setBusy(true);
    setNote("");
    const r = await call;
    setBusy(false);
    if (!r.ok && userId) {
      setAccounts((a) => ({
        ...a,
        [userId]: { data: a[userId]?.data ?? null, error: r.message },
      }));
    }
    setNote(r.ok ? done : r.message);
    if (userId) await loadAccount(userId);
    if (r.ok) await audit.load(false);
    return r.ok;
  }

  return {
    status,
    setStatus,
    note,
    busy,
    queue: queue.list,
    audit: audit.list,
    accounts,
    nameOf: (id: string) => id === meId ? "you" : names[id] ?? null,
    moreReports: () => queue.load(true),
    moreAudit: () => audit.load(true),
    loadAccount,
    async close(r: ModerationReportView, verb: "resolve" | "dismiss") {
      const ok = await act(
        closeReport(r.id, verb),
        verb === "resolve" ? "Report resolved." : "Report dismissed.",
      );
      if (!ok) return;
      queue.setList((l) => ({
        ...l,
        items: l.items?.filter((x) => x.id !== r.id) ?? null,
      }));
    },
    ban: (id: string, on: boolean, reason: string) =>
      act(
        accountApi.ban(id, on, reason),
        on ? "Account banned." : "Ban lifted.",
        id,
      ),
    shadowBan: (id: string, on: boolean, reason: string) =>
      act(
        accountApi.shadowBan(id, on, reason),
        on ? "Account shadow-banned." : "Shadow ban lifted.",
        id,
      ),
    setRole: (id: string, role: SiteRoleChoice) =>
      act(accountApi.setRole(id, role), "Site role changed.", id),
  };
}

/** The site moderation page's state and actions. */
export type SiteModeration = ReturnType<typeof useSiteModeration>;
