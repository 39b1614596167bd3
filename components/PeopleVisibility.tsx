import type { VisibilityView } from "../lib/shared/people_schemas.ts";

/** What the opt-in form reads: the headline, interests as typed, and minutes. */
export type VisibilityForm = {
  headline: string;
  interests: string;
  minutes: number;
};

/** Props of the "Be visible" panel. */
export type PeopleVisibilityProps = {
  visibility: VisibilityView | null;
  /** "Visible until 14:05 (25 more minutes)", worked out by the island. */
  until: string;
  /** Durations offered, in minutes. */
  durations: readonly number[];
  /** No position yet, or not hydrated. */
  disabled: boolean;
  busy: boolean;
  error?: string;
  onShow(form: VisibilityForm): void;
  onHide(): void;
};

const durationLabel = (m: number) =>
  m < 60 ? `${m} minutes` : m === 60 ? "1 hour" : `${m / 60} hours`;

/**
 * Opting in to "people nearby": while visible, what others see and until when, with "Stop
 * being visible"; otherwise a form with a headline, interests and how long.
 */
export default function PeopleVisibility(props: PeopleVisibilityProps) {
  const v = props.visibility;
  function submit(e: Event) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    props.onShow({
      headline: String(data.get("headline") ?? "").trim(),
      interests: String(data.get("interests") ?? ""),
      minutes: Number(data.get("minutes")),
    });
  }
  return (
    <section class="card people-me" aria-labelledby="people-me-heading">
      <h2 id="people-me-heading">
        {v ? "You are visible" : "Be visible to people nearby"}
      </h2>
      {v
        ? (
          <div class="stack">
            <p class="people-me__headline">{v.headline}</p>
            {v.interests.length > 0 && (
              <ul class="tags" aria-label="Your interests">
                {v.interests.map((t) => <li key={t} class="tag">{t}</li>)}
              </ul>
            )}
            <p role="status">{props.until}</p>
            <button
              type="button"
              class="button"
              disabled={props.busy}
              onClick={props.onHide}
            >
              Stop being visible
            </button>
          </div>
        )
        : (
          <form class="stack" onSubmit={submit}>
            <p class="hint">
              Others see your name, headline, interests and a rough distance
              (such as “&lt; 500 m”), never where you are.
            </p>
            <div class="field">
              <label for="people-headline">Headline</label>
              <input
                id="people-headline"
                name="headline"
                required
                maxLength={80}
                autoComplete="off"
              />
            </div>
            <div class="field">
              <label for="people-interests">
                Interests <span class="hint">(comma-separated, up to 10)</span>
              </label>
              <input
                id="people-interests"
                name="interests"
                autoComplete="off"
              />
            </div>
            <div class="field">
              <label for="people-minutes">Visible for</label>
              <select id="people-minutes" name="minutes" defaultValue="60">
                {props.durations.map((m) => (
                  <option value={String(m)}>{durationLabel(m)}</option>
                ))}
              </select>
            </div>
            <button
              type="submit"
              class="button button--primary"
              disabled={props.disabled || props.busy}
            >
              {props.busy ? "Saving…" : "Become visible"}
            </button>
          </form>
        )}
      {props.error && <p class="form-error" role="alert">{props.error}</p>}
    </section>
  );
}
