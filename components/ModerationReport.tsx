import type { ComponentChildren } from "preact";
import type {
  FlagRule,
  ModerationReportView,
} from "../lib/shared/moderation_schemas.ts";
import { personLabel } from "./PersonName.tsx";
import { REASON_LABELS } from "./ReportDialog.tsx";
import { formatClock, formatDay, plural } from "./format.ts";

/** What each automatic rule caught, in words. */
export const RULE_LABELS: Record<FlagRule, string> = {
  words: "flagged words",
  links: "many links",
  repeated_link: "a repeated link",
  flood: "flooding",
  many_reports: "many reports",
};

/** A moment for moderators: its day and time ("Today 14:05"). */
export function formatWhen(iso: string, local: boolean): string {
  return `${formatDay(iso, local)} ${formatClock(iso, local)}`;
}

/** Whom a report is about, as people read it. */
export function reportTarget(r: ModerationReportView): string {
  const u = r.targetUser;
  return personLabel({
    displayName: u.displayName ?? "Deleted user",
    handle: u.handle,
  });
}

/** Who filed a report: a person's handle, or the automatic rules with their hit count. */
export function reportSource(r: ModerationReportView): string {
  if (r.source === "auto") {
    const rules = r.rules.map((rule) => RULE_LABELS[rule]).join(", ");
    return `Automatic flag: ${rules || "rules"} (${plural(r.hits, "hit")})`;
  }
  return r.reporter?.handle
    ? `Reported by @${r.reporter.handle}`
    : "Reported by a deleted account";
}

/** What the card's buttons ask for. */
export type ModerationReportHandlers = {
  resolve(): void;
  dismiss(): void;
  /** Scrolls the room's log to the reported message (the room's own panel). */
  jump?(): void;
  /** Deletes the reported message for everyone (the room's own panel). */
  removeMessage?(): void;
};

/** Props of one report in a queue. */
export type ModerationReportProps = {
  report: ModerationReportView;
  local: boolean;
  /** Name and link the room (the site queue spans rooms). */
  showRoom: boolean;
  disabled: boolean;
  on: ModerationReportHandlers;
  /** More about the reported account (its standing, on the site page). */
  children?: ComponentChildren;
};

const STATUS_LABELS = {
  open: "Open",
  resolved: "Resolved",
  dismissed: "Dismissed",
} as const;

/**
 * One report: whom it is about, who or what filed it and why, the reporter's note, the
 * message's words as they were when reported (always as text), and what moderators can do.
 */
export default function ModerationReport(props: ModerationReportProps) {
  const { report: r, on } = props;
  const heading = `report-${r.id}-title`;
  const what = r.messageSeq === null ? "Report of" : "Message by";
  const message = r.messageSeq !== null && r.room
    ? `/rooms/${r.room.id}#m-${r.messageSeq}`
    : null;
  return (
    <article class="report" aria-labelledby={heading} data-report={r.id}>
      <h3 id={heading} class="report__title">
        {`${what} ${reportTarget(r)}`}{" "}
        <span class={`badge report__status report__status--${r.status}`}>
          {STATUS_LABELS[r.status]}
        </span>
      </h3>
      <p class="report__meta">
        {reportSource(r)}
        {r.reason && ` · ${REASON_LABELS[r.reason]}`}
        {" · "}
        <time dateTime={r.createdAt}>
          {formatWhen(r.createdAt, props.local)}
        </time>
      </p>
      {props.showRoom && r.room && (
        <p class="report__meta">
          {"In "}
          <a href={message ?? `/rooms/${r.room.id}`}>
            {r.room.name ?? "a deleted room"}
          </a>
        </p>
      )}
      {r.note && <p class="report__note">{`Note: ${r.note}`}</p>}
      {r.snapshot !== null && (
        <blockquote class="report__snapshot">{r.snapshot}</blockquote>
      )}
      {r.status !== "open" && r.closedAt && (
        <p class="report__meta">
          {`${STATUS_LABELS[r.status]} ${formatWhen(r.closedAt, props.local)}`}
          {r.closeNote && `: ${r.closeNote}`}
        </p>
      )}
      {r.status === "open" && (
        <div class="report__actions">
          <button
            type="button"
            class="button button--small button--primary"
            disabled={props.disabled}
            onClick={on.resolve}
          >
            Resolve
          </button>
          <button
            type="button"
            class="button button--small"
            disabled={props.disabled}
            onClick={on.dismiss}
          >
            Dismiss
          </button>
          {on.jump && r.messageSeq !== null && (
            <button
              type="button"
              class="button button--small button--quiet"
              onClick={on.jump}
            >
              Show message
            </button>
          )}
          {on.removeMessage && r.messageSeq !== null && (
            <details class="msg-actions__confirm report__delete">
              <summary class="button button--small button--danger">
                Delete message…
              </summary>
              <p>Delete this message for everyone?</p>
              <button
                type="button"
                class="button button--small button--danger"
                disabled={props.disabled}
                onClick={on.removeMessage}
              >
                Delete message
              </button>
            </details>
          )}
        </div>
      )}
      {props.children}
    </article>
  );
}
