import type { AuditEntryView } from "../lib/shared/moderation_schemas.ts";
import { formatWhen } from "./ModerationReport.tsx";

/** What each audited action did, with `{t}` where its target goes. */
export const AUDIT_VERBS: Record<string, string> = {
  "member.mute": "muted {t}",
  "member.unmute": "unmuted {t}",
  "member.kick": "kicked {t} out of a room",
  "member.ban": "banned {t} from a room",
  "member.unban": "lifted the room ban of {t}",
  "member.admit": "let {t} in",
  "room.shield_lower": "lowered the raid shield of {t}",
  "room.slow_mode": "set slow mode in {t}",
  "room.delete": "deleted {t}",
  "message.delete": "deleted {t}",
  "user.ban": "banned {t}",
  "user.unban": "lifted the ban of {t}",
  "user.shadow_ban": "shadow-banned {t}",
  "user.shadow_unban": "lifted the shadow ban of {t}",
  "user.grant": "set the site role of {t}",
  "user.delete": "deleted the account of {t}",
  "report.resolve": "resolved {t}",
  "report.dismiss": "dismissed {t}",
};

/** Names people by id, when the page knows them ("Ann @ann", or "you"). */
export type NameOf = (userId: string) => string | null;

function targetText(e: AuditEntryView, nameOf: NameOf): string {
  const [kind, id = ""] = e.target.split(/:(.*)/s);
  const about = e.details?.targetUser;
  switch (kind) {
    case "user":
      return nameOf(id) ?? "an account";
    case "room":
      return "a room";
    case "message": {
      const seq = id.split("/")[1];
      return seq ? `message ${seq} in a room` : "a message";
    }
    case "report":
      return typeof about === "string"
        ? `a report about ${nameOf(about) ?? "an account"}`
        : "a report";
    default:
      return e.target;
  }
}

function detailText(e: AuditEntryView): string {
  const d = e.details ?? {};
  if (typeof d.minutes === "number") return ` for ${d.minutes} min`;
  if (typeof d.days === "number") return ` for ${d.days} days`;
  if (typeof d.seconds === "number") {
    return d.seconds ? ` to ${d.seconds} s` : " to off";
  }
  if (typeof d.role === "string") return ` to ${d.role}`;
  return "";
}

/** One audit entry in words: "Mo @mo shadow-banned Ben @ben". */
export function auditText(e: AuditEntryView, nameOf: NameOf): string {
  const actor = e.actor === "cli"
    ? "an operator (command line)"
    : nameOf(e.actor) ?? "someone";
  const verb = AUDIT_VERBS[e.action];
  const target = targetText(e, nameOf);
  const text = verb
    ? `${actor} ${verb.replace("{t}", () => target)}${detailText(e)}`
    : `${actor}: ${e.action} on ${target}${detailText(e)}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Props of the audit log. */
export type ModerationAuditProps = {
  entries: AuditEntryView[] | null;
  nameOf: NameOf;
  local: boolean;
  /** True while there are older entries to load. */
  more: boolean;
  busy: boolean;
  error: string;
  onMore(): void;
};

/** The audit log, newest first, with "Load more" for older entries. */
export default function ModerationAudit(props: ModerationAuditProps) {
  const { entries } = props;
  return (
    <>
      {props.error && <p class="field-error" role="alert">{props.error}</p>}
      {entries === null
        ? <p class="muted">Loading the audit log…</p>
        : entries.length === 0
        ? <p class="muted">Nothing has been done yet.</p>
        : (
          <ol class="audit">
            {entries.map((e) => (
              <li key={e.id} class="audit__item">
                <time dateTime={e.at}>{formatWhen(e.at, props.local)}</time>
                <span class="audit__text">{auditText(e, props.nameOf)}</span>
                {e.reason && (
                  <span class="audit__reason">{`Reason: ${e.reason}`}</span>
                )}
                <code class="audit__code">{e.action}</code>
              </li>
            ))}
          </ol>
        )}
      {props.more && (
        <button
          type="button"
          class="button button--small"
          disabled={props.busy}
          onClick={props.onMore}
        >
          Load more
        </button>
      )}
    </>
  );
}
