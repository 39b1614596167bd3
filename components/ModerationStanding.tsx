import { personLabel } from "./PersonName.tsx";

/** An account's standing as site moderators see it. */
export type AccountView = {
  id: string;
  handle: string;
  displayName: string;
  siteRole: "admin" | "moderator" | null;
  banned: boolean;
  shadowBanned: boolean;
};

/** A site role to give, "none" taking it away. */
export type SiteRoleChoice = "admin" | "moderator" | "none";

/** What the standing controls ask the page to do. */
export type StandingHandlers = {
  ban(on: boolean, reason: string): void;
  shadowBan(on: boolean, reason: string): void;
  setRole(role: SiteRoleChoice): void;
};

/** Props of one account's standing and its controls. */
export type ModerationStandingProps = {
  /** Null while loading (or when loading failed: see error). */
  account: AccountView | null;
  error: string;
  busy: boolean;
  /** Site admins change site roles. */
  canSetRole: boolean;
  meId: string;
  on: StandingHandlers;
};

const ROLE_CHOICES: [SiteRoleChoice, string][] = [
  ["none", "None"],
  ["moderator", "Moderator"],
  ["admin", "Admin"],
];

/** The account's standing in words: its site role, ban and shadow ban. */
export function standingText(a: AccountView): string {
  const parts = [
    a.siteRole ? `Site ${a.siteRole}` : "",
    a.banned ? "Banned" : "",
    a.shadowBanned ? "Shadow-banned" : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "In good standing";
}

/** The reason typed beside the buttons. */
function reasonOf(e: Event): string {
  const form = (e.currentTarget as HTMLButtonElement).form;
  const input = form?.elements.namedItem("reason") as HTMLInputElement | null;
  return input?.value.trim() ?? "";
}

/**
 * One account's standing for site moderators: Ban or Lift ban, Shadow-ban or Lift shadow ban
 * (with a reason for the audit log) and, for site admins, the site role.
 */
export default function ModerationStanding(props: ModerationStandingProps) {
  const { account: a, on } = props;
  if (!a) {
    return props.error
      ? <p class="field-error" role="alert">{props.error}</p>
      : <p class="muted">Loading account…</p>;
  }
  const who = personLabel(a);
  const reasonId = `reason-${a.id}`;
  const self = a.id === props.meId;
  return (
    <div class="standing">
      <p class="standing__facts">
        <strong>{who}</strong>
        {`: ${standingText(a)}`}
      </p>
      {self
        ? <p class="muted">This is your own account.</p>
        : (
          <form class="standing__form" onSubmit={(e) => e.preventDefault()}>
            <div class="field">
              <label for={reasonId}>Reason (for the audit log)</label>
              <input id={reasonId} name="reason" maxLength={500} />
            </div>
            <div class="actions">
              <button
                type="button"
                class="button button--small button--danger"
                aria-label={`${a.banned ? "Lift ban of" : "Ban"} ${who}`}
                disabled={props.busy}
                onClick={(e) => on.ban(!a.banned, reasonOf(e))}
              >
                {a.banned ? "Lift ban" : "Ban account"}
              </button>
              <button
                type="button"
                class="button button--small"
                aria-label={`${
                  a.shadowBanned ? "Lift shadow ban of" : "Shadow-ban"
                } ${who}`}
                disabled={props.busy}
                onClick={(e) => on.shadowBan(!a.shadowBanned, reasonOf(e))}
              >
                {a.shadowBanned ? "Lift shadow ban" : "Shadow-ban"}
              </button>
            </div>
          </form>
        )}
      {props.canSetRole && !self && (
        <div class="field field--inline standing__role">
          <label for={`role-${a.id}`}>Site role</label>
          <select
            id={`role-${a.id}`}
            value={a.siteRole ?? "none"}
            disabled={props.busy}
            onChange={(e) =>
              on.setRole(e.currentTarget.value as SiteRoleChoice)}
          >
            {ROLE_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </select>
        </div>
      )}
      {props.error && <p class="field-error" role="alert">{props.error}</p>}
    </div>
  );
}
