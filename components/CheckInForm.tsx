/** State and callback of the venue check-in form. */
export type CheckInFormProps = {
  disabled: boolean;
  busy: boolean;
  error?: string;
  onCheckIn(code: string): void;
};

/**
 * "Check in with a code": joins with the code the venue's screen shows, for someone whose
 * location cannot be had or is not precise enough indoors.
 */
export default function CheckInForm(props: CheckInFormProps) {
  function submit(e: Event) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    props.onCheckIn(String(data.get("code") ?? "").trim());
  }
  return (
    <section class="card checkin-form" aria-labelledby="checkin-heading">
      <h2 id="checkin-heading">Check in with a code</h2>
      <p class="hint">
        At the venue? Enter the code its check-in screen shows right now.
      </p>
      <form class="field-row" onSubmit={submit}>
        <div class="field">
          <label for="checkin-code">Check-in code</label>
          <input
            id="checkin-code"
            name="code"
            required
            minLength={8}
            maxLength={8}
            pattern="[A-Za-z0-9]{8}"
            autoComplete="off"
            autoCapitalize="characters"
            spellcheck={false}
          />
        </div>
        <button
          type="submit"
          class="button"
          disabled={props.disabled || props.busy}
        >
          {props.busy ? "Checking in…" : "Check in"}
        </button>
      </form>
      {props.error && <p class="form-error" role="alert">{props.error}</p>}
    </section>
  );
}
