import type { ModerationReportView } from "../lib/shared/moderation_schemas.ts";
import ModerationReport, { formatWhen } from "./ModerationReport.tsx";
import PersonName, { type Person, personLabel } from "./PersonName.tsx";

/** Slow-mode intervals the panel offers, in seconds (0 turns it off). */
export const SLOW_MODE_CHOICES: readonly [number, string][] = [
  [0, "Off"],
  [10, "10 s"],
  [30, "30 s"],
  [60, "1 min"],
  [300, "5 min"],
];

/** A current ban as the panel lists it. */
export type BanRow = {
  userId: string;
  handle: string;
  displayName: string;
  reason: string;
  /** Null: until lifted. */
  until: string | null;
};

/** What the panel's controls ask the chat to do. */
export type ModerationPanelHandlers = {
  slowMode(seconds: number): void;
  lowerShield(): void;
  admit(userId: string): void;
  unban(userId: string): void;
  resolve(reportId: string): void;
  dismiss(reportId: string): void;
  jump(seq: number): void;
  removeMessage(seq: number): void;
  refresh(): void;
  close(): void;
};

/** Props of a room's moderation panel (owners and admins). */
export type ModerationPanelProps = {
  slowModeS: number;
  /** Null while loading. */
  shield: { up: boolean; until: string | null } | null;
  held: (Person & { id: string })[];
  bans: BanRow[] | null;
  reports: ModerationReportView[] | null;
  local: boolean;
  disabled: boolean;
  /** The last action's error, or "". */
  error: string;
  /** What the last action did, or "". */
  status: string;
  on: ModerationPanelHandlers;
};

function SlowMode(props: ModerationPanelProps) {
  const known = SLOW_MODE_CHOICES.some(([s]) => s === props.slowModeS);
  const choices = known ? SLOW_MODE_CHOICES : [
    ...SLOW_MODE_CHOICES,
    [props.slowModeS, `${props.slowModeS} s`] as const,
  ];
  return (
    <div class="field field--inline mod-panel__row">
      <label for="slow-mode">Slow mode</label>
      <select
        id="slow-mode"
        value={String(props.slowModeS)}
        disabled={props.disabled}
        aria-describedby="slow-mode-hint"
        onChange={(e) => props.on.slowMode(Number(e.currentTarget.value))}
      >
        {choices.map(([seconds, label]) => (
          <option key={seconds} value={String(seconds)}>{label}</option>
        ))}
      </select>
      <p id="slow-mode-hint" class="hint">
        Members wait this long between messages; admins are exempt.
      </p>
    </div>
  );
}

function Shield(props: ModerationPanelProps) {
  const { shield, on } = props;
  return (
    <section class="mod-panel__section" aria-labelledby="mod-shield-heading">
      <h3 id="mod-shield-heading">Raid shield</h3>
      {shield === null ? <p class="muted">Loading…</p> : (
        <p>
          {shield.up
            ? `Up${
              shield.until
                ? ` until ${formatWhen(shield.until, props.local)}`
                : ""
            }: people who join now are held until you let them in.`
            : "Down: people who join can post at once."}
        </p>
      )}
      {shield?.up && (
        <button
          type="button"
          class="button button--small"
          disabled={props.disabled}
          onClick={on.lowerShield}
        >
          Lower shield
        </button>
      )}
      {props.held.length > 0 && (
        <ul class="mod-panel__list" aria-label="Held members">
          {props.held.map((p) => (
            <li key={p.id}>
              <PersonName person={p} />
              <button
                type="button"
                class="button button--small button--primary"
                aria-label={`Let in ${personLabel(p)}`}
                disabled={props.disabled}
                onClick={() => on.admit(p.id)}
              >
                Let in
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Bans(props: ModerationPanelProps) {
  const { bans, on } = props;
  return (
    <section class="mod-panel__section" aria-labelledby="mod-bans-heading">
      <h3 id="mod-bans-heading">Bans</h3>
      {bans === null
        ? <p class="muted">Loading…</p>
        : bans.length === 0
        ? <p class="muted">Nobody is banned from this room.</p>
        : (
          <ul class="mod-panel__list">
            {bans.map((b) => (
              <li key={b.userId}>
                <span>
                  <PersonName person={b} />
                  <span class="mod-panel__meta">
                    {b.until
                      ? ` until ${formatWhen(b.until, props.local)}`
                      : " until lifted"}
                    {b.reason && ` · ${b.reason}`}
                  </span>
                </span>
                <button
                  type="button"
                  class="button button--small"
                  aria-label={`Unban ${personLabel(b)}`}
                  disabled={props.disabled}
                  onClick={() => on.unban(b.userId)}
                >
                  Unban
                </button>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}

function Reports(props: ModerationPanelProps) {
  const { reports, on } = props;
  return (
    <section class="mod-panel__section" aria-labelledby="mod-reports-heading">
      <h3 id="mod-reports-heading">Open reports</h3>
      {reports === null
        ? <p class="muted">Loading…</p>
        : reports.length === 0
        ? <p class="muted">No open reports.</p>
        : reports.map((r) => (
          <ModerationReport
            key={r.id}
            report={r}
            local={props.local}
            showRoom={false}
            disabled={props.disabled}
            on={{
              resolve: () => on.resolve(r.id),
              dismiss: () =>
                on.dismiss(r.id),
              jump: () =>
                r.messageSeq && on.jump(r.messageSeq),
              removeMessage: () =>
                r.messageSeq && on.removeMessage(r.messageSeq),
            }}
          />
        ))}
    </section>
  );
}

/**
 * A room's moderation beside the log: slow mode, the raid shield and whom it holds, the
 * current bans, and the room's open reports with Resolve, Dismiss and Delete message.
 */
export default function ModerationPanel(props: ModerationPanelProps) {
  return (
    <section
      id="moderation-panel"
      class="panel mod-panel"
      aria-labelledby="moderation-heading"
    >
      <div class="panel__head">
        <h2 id="moderation-heading" tabIndex={-1}>Moderation</h2>
        <button
          type="button"
          class="button button--small button--quiet"
          disabled={props.disabled}
          onClick={props.on.refresh}
        >
          Refresh
        </button>
        <button
          type="button"
          class="button button--small"
          onClick={props.on.close}
        >
          Close
        </button>
      </div>
      <div class="panel__body mod-panel__body">
        {props.error && <p class="field-error" role="alert">{props.error}</p>}
        <p class="member-tools__status muted" aria-live="polite">
          {props.status}
        </p>
        <SlowMode {...props} />
        <Reports {...props} />
        <Shield {...props} />
        <Bans {...props} />
      </div>
    </section>
  );
}
