import { LatSchema, LngSchema } from "../lib/shared/schemas.ts";
import type { Fix } from "../lib/shared/schemas.ts";

/** What the location panel shows and reports back. */
export type LocationPanelProps = {
  fix: Fix | null;
  status: string;
  message: string;
  disabled: boolean;
  manualError?: string;
  onManual(lat: number, lng: number): void;
  onManualError(message: string): void;
  onRetry(): void;
};

/** Parses the typed coordinates, or returns why they are not a position. */
function readManual(form: HTMLFormElement) {
  const data = new FormData(form);
  const lat = LatSchema.safeParse(Number(data.get("lat") || NaN));
  const lng = LngSchema.safeParse(Number(data.get("lng") || NaN));
  if (!lat.success) {
    return { error: "Latitude must be a number from -90 to 90" };
  }
  if (!lng.success) {
    return { error: "Longitude must be a number from -180 to 180" };
  }
  return { lat: lat.data, lng: lng.data };
}

/** The location status line, a retry button and the manual latitude/longitude form. */
export default function LocationPanel(props: LocationPanelProps) {
  const needsManual = props.status === "denied" ||
    props.status === "unavailable";
  function submit(e: Event) {
    e.preventDefault();
    const r = readManual(e.currentTarget as HTMLFormElement);
    if ("error" in r) props.onManualError(r.error ?? "");
    else props.onManual(r.lat, r.lng);
  }
  return (
    <section class="card location" aria-label="Your location">
      <div class="location__row">
        <p
          role="status"
          class={`location__status location__status--${props.status}`}
        >
          {props.message}
        </p>
        <button
          type="button"
          class="button"
          onClick={props.onRetry}
          disabled={props.disabled || props.status === "locating"}
        >
          Use my location
        </button>
      </div>
      <details class="location__manual" open={needsManual}>
        <summary>Enter a position by hand</summary>
        <form
          // Re-mounted when the fix changes so the fields show the position in use.
          key={props.fix ? `${props.fix.lat},${props.fix.lng}` : "none"}
          class="manual-form"
          onSubmit={submit}
          noValidate
        >
          <div class="field">
            <label for="manual-lat">Latitude</label>
            <input
              id="manual-lat"
              name="lat"
              inputMode="decimal"
              autoComplete="off"
              defaultValue={props.fix?.lat.toFixed(5) ?? ""}
              required
            />
          </div>
          <div class="field">
            <label for="manual-lng">Longitude</label>
            <input
              id="manual-lng"
              name="lng"
              inputMode="decimal"
              autoComplete="off"
              defaultValue={props.fix?.lng.toFixed(5) ?? ""}
              required
            />
          </div>
          <button type="submit" class="button" disabled={props.disabled}>
            Use this position
          </button>
        </form>
        {props.manualError && (
          <p class="form-error" role="alert">{props.manualError}</p>
        )}
      </details>
    </section>
  );
}
