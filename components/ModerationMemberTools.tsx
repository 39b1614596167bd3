import { type Person, personLabel } from "./PersonName.tsx";

/** Which moderation buttons the member list offers beside one person. */
export type ModerationActions = {
  /** Report them to the moderators: anyone but oneself. */
  report: boolean;
  mute: boolean;
  /** Remove them (they may join again); groups use Remove instead. */
  kick: boolean;
  ban: boolean;
  /** Let them in while the raid shield holds them. */
  admit: boolean;
};

/** How long a mute lasts, in minutes, as the menu offers it. */
export const MUTE_CHOICES: readonly [number, string][] = [
  [10, "10 min"],
  [60, "1 h"],
  [1440, "1 day"],
];

/** What the moderation buttons beside a member ask the chat to do. */
export type ModerationMemberHandlers = {
  report(): void;
  mute(minutes: number): void;
  unmute(): void;
  kick(): void;
  /** Bans them for some days, or until lifted (null). */
  ban(days: number | null): void;
  admit(): void;
};

/** Props of the moderation buttons beside one member. */
export type ModerationMemberToolsProps = {
  member: Person & { id: string };
  can: ModerationActions;
  muted: boolean;
  held: boolean;
  disabled: boolean;
  on: ModerationMemberHandlers;
};

/** The number a form field holds, or null when it is empty or not a whole number. */
function wholeNumber(form: HTMLFormElement, name: string): number | null {
  const raw = String(new FormData(form).get(name) ?? "").trim();
  const n = Number(raw);
  return raw && Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * Let in (for someone the raid shield holds), Report, and a "Moderate" menu with Mute for a
 * chosen time or Unmute, Kick, and Ban for some days or until lifted, as the viewer's rights
 * allow. Each control names whom it acts on, for screen readers.
 */
export default function ModerationMemberTools(
  props: ModerationMemberToolsProps,
) {
  const { can, on, member } = props;
  const moderate = can.mute || can.kick || can.ban;
  if (!can.report && !moderate && !(can.admit && props.held)) return null;
  const whom = ` ${personLabel(member)}`;
  const id = (what: string) => `${what}-${member.id}`;
  return (
    <div class="members__actions members__mod">
      {props.held && can.admit && (
        <button
          type="button"
          class="button button--small button--primary"
          aria-label={`Let in${whom}`}
          disabled={props.disabled}
          onClick={on.admit}
        >
          Let in
        </button>
      )}
      {can.report && (
        <button
          type="button"
          class="button button--small button--quiet"
          aria-label={`Report${whom}`}
          disabled={props.disabled}
          onClick={on.report}
        >
          Report
        </button>
      )}
      {moderate && (
        <details class="member-mod">
          <summary class="button button--small" aria-label={`Moderate${whom}`}>
            Moderate
          </summary>
          <div class="member-mod__menu">
            {can.mute && props.muted && (
              <button
                type="button"
                class="button button--small"
                aria-label={`Unmute${whom}`}
                disabled={props.disabled}
                onClick={on.unmute}
              >
                Unmute
              </button>
            )}
            {can.mute && !props.muted && (
              <form
                class="member-mod__row"
                onSubmit={(e) => {
                  e.preventDefault();
                  on.mute(wholeNumber(e.currentTarget, "minutes") ?? 10);
                }}
              >
                <label for={id("mute")}>Mute for</label>
                <select id={id("mute")} name="minutes">
                  {MUTE_CHOICES.map(([minutes, label]) => (
                    <option key={minutes} value={minutes}>{label}</option>
                  ))}
                </select>
                <button
                  type="submit"
                  class="button button--small"
                  aria-label={`Mute${whom}`}
                  disabled={props.disabled}
                >
                  Mute
                </button>
              </form>
            )}
            {can.kick && (
              <button
                type="button"
                class="button button--small button--danger"
                aria-label={`Kick${whom}`}
                disabled={props.disabled}
                onClick={on.kick}
              >
                Kick
              </button>
            )}
            {can.ban && (
              <form
                class="member-mod__row"
                onSubmit={(e) => {
                  e.preventDefault();
                  on.ban(wholeNumber(e.currentTarget, "days"));
                }}
              >
                <label for={id("ban")}>Ban for days</label>
                <input
                  id={id("ban")}
                  name="days"
                  type="number"
                  min={1}
                  max={3650}
                  inputMode="numeric"
                  placeholder="until lifted"
                  aria-describedby={id("ban-hint")}
                />
                <button
                  type="submit"
                  class="button button--small button--danger"
                  aria-label={`Ban${whom}`}
                  disabled={props.disabled}
                >
                  Ban
                </button>
                <p id={id("ban-hint")} class="hint">
                  Leave empty to ban until you lift it.
                </p>
              </form>
            )}
          </div>
        </details>
      )}
    </div>
  );
}
