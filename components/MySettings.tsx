/** A status a person can set for themselves. */
export type OwnStatus = "online" | "away" | "dnd";

const CHOICES: [OwnStatus, string][] = [
  ["online", "Online"],
  ["away", "Away"],
  ["dnd", "Do not disturb"],
];

/** Props of the viewer's own settings in the member panel. */
export type MySettingsProps = {
  status: OwnStatus;
  /** The private-reading preference; null while it loads. */
  privateReading: boolean | null;
  /** Why loading or saving the preference failed, or "". */
  error: string;
  disabled: boolean;
  onStatus(status: OwnStatus): void;
  onPrivateReading(on: boolean): void;
};

/** The viewer's presence status and the private-reading switch. */
export default function MySettings(props: MySettingsProps) {
  return (
    <div class="my-settings" role="group" aria-label="Your settings">
      <label class="my-settings__status">
        <span>Your status</span>
        <span class={`dot dot--${props.status}`} aria-hidden="true" />
        <select
          value={props.status}
          disabled={props.disabled}
          onChange={(e) => props.onStatus(e.currentTarget.value as OwnStatus)}
        >
          {CHOICES.map(([value, label]) => (
            <option key={value} value={value}>{label}</option>
          ))}
        </select>
      </label>
      <label class="my-settings__check">
        <input
          type="checkbox"
          checked={props.privateReading ?? false}
          disabled={props.disabled || props.privateReading === null}
          aria-describedby={props.error ? "my-settings-error" : undefined}
          onChange={(e) => props.onPrivateReading(e.currentTarget.checked)}
        />
        <span>Keep my reading private (others won't see when I've read)</span>
      </label>
      {props.error && (
        <p id="my-settings-error" class="field-error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}
