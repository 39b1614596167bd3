import ModerationAudit from "../components/ModerationAudit.tsx";
import ModerationReport from "../components/ModerationReport.tsx";
import ModerationStanding from "../components/ModerationStanding.tsx";
import type { ModerationProps } from "../lib/shared/island_props.ts";
import type {
  ModerationReportView,
  ReportStatus,
} from "../lib/shared/moderation_schemas.ts";
import { useHydrated } from "./hooks.ts";
import { type SiteModeration, useSiteModeration } from "./moderation_site.ts";

const STATUS_CHOICES: [ReportStatus, string][] = [
  ["open", "Open"],
  ["resolved", "Resolved"],
  ["dismissed", "Dismissed"],
];

/** The reported account's standing, loaded when its disclosure opens. */
function Account(
  props: {
    report: ModerationReportView;
    site: SiteModeration;
    isAdmin: boolean;
    meId: string;
  },
) {
  const { site } = props;
  const user = props.report.targetUser;
  const state = site.accounts[user.id];
  return (
    <details
      class="report__account"
      onToggle={(e) => e.currentTarget.open && site.loadAccount(user.id)}
    >
      <summary>{`Account of @${user.handle}`}</summary>
      <ModerationStanding
        account={state?.data ?? null}
        error={state?.error ?? ""}
        busy={site.busy}
        canSetRole={props.isAdmin}
        meId={props.meId}
        on={{
          ban: (on, reason) => site.ban(user.id, on, reason),
          shadowBan: (on, reason) => site.shadowBan(user.id, on, reason),
          setRole: (role) => site.setRole(user.id, role),
        }}
      />
    </details>
  );
}

/**
 * The site moderation page: the queue across rooms (by status) with each reported account's
 * standing, and the audit log. Everything loads from the API once hydrated.
 */
export default function Moderation(props: ModerationProps) {
  const hydrated = useHydrated();
  const site = useSiteModeration(props.me.id);
  const { queue } = site;
  const isAdmin = props.siteRole === "admin";
  return (
    <div class="moderation">
      <p class="moderation__note" aria-live="polite">{site.note}</p>
      <section class="moderation__section" aria-labelledby="queue-heading">
        <div class="moderation__head">
          <h2 id="queue-heading">Reports</h2>
          <div class="field field--inline">
            <label for="queue-status">Show</label>
            <select
              id="queue-status"
              value={site.status}
              disabled={!hydrated}
              onChange={(e) =>
                site.setStatus(e.currentTarget.value as ReportStatus)}
            >
              {STATUS_CHOICES.map(([value, label]) => (
                <option key={value} value={value}>{label}</option>
              ))}
            </select>
          </div>
        </div>
        {queue.error && <p class="field-error" role="alert">{queue.error}</p>}
        {queue.items === null
          ? <p class="muted">Loading reports…</p>
          : queue.items.length === 0
          ? <p class="muted">{`No ${site.status} reports.`}</p>
          : queue.items.map((r) => (
            <ModerationReport
              key={r.id}
              report={r}
              local={hydrated}
              showRoom
              disabled={!hydrated || site.busy}
              on={{
                resolve: () => site.close(r, "resolve"),
                dismiss: () => site.close(r, "dismiss"),
              }}
            >
              <Account
                report={r}
                site={site}
                isAdmin={isAdmin}
                meId={props.me.id}
              />
            </ModerationReport>
          ))}
        {queue.cursor && (
          <button
            type="button"
            class="button button--small"
            disabled={queue.busy}
            onClick={site.moreReports}
          >
            Load more reports
          </button>
        )}
      </section>
      <section class="moderation__section" aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit log</h2>
        <ModerationAudit
          entries={site.audit.items}
          nameOf={site.nameOf}
          local={hydrated}
          more={site.audit.cursor !== null}
          busy={site.audit.busy}
          error={site.audit.error}
          onMore={site.moreAudit}
        />
      </section>
    </div>
  );
}
