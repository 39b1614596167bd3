import type { NearbyPersonView } from "../lib/shared/people_schemas.ts";
import PersonName, { personLabel } from "./PersonName.tsx";

/** Props of the list of people nearby. */
export type PeopleListProps = {
  people: NearbyPersonView[];
  /** The handle whose conversation is being opened. */
  busy: string | null;
  disabled: boolean;
  errors: Record<string, string>;
  onMessage(handle: string): void;
};

/**
 * People who chose to be visible nearby: name and handle, a rough distance, headline,
 * interests, and "Message" to open a direct conversation. Never a place.
 */
export default function PeopleList(props: PeopleListProps) {
  return (
    <ul class="people-list">
      {props.people.map((p) => {
        const errorId = `person-error-${p.user.id}`;
        const error = props.errors[p.user.handle];
        return (
          <li class="person-card" key={p.user.id} data-person={p.user.handle}>
            <div class="person-card__head">
              <h3 class="person-card__name">
                <PersonName person={p.user} />
              </h3>
              <span class="person-card__distance">{p.distance.label}</span>
            </div>
            <p class="person-card__headline">{p.headline}</p>
            {p.interests.length > 0 && (
              <ul class="tags" aria-label="Interests">
                {p.interests.map((t) => <li key={t} class="tag">{t}</li>)}
              </ul>
            )}
            <button
              type="button"
              class="button button--small"
              disabled={props.disabled || props.busy !== null}
              aria-describedby={error ? errorId : undefined}
              onClick={() =>
                props.onMessage(p.user.handle)}
            >
              {props.busy === p.user.handle ? "Opening…" : "Message"}
              <span class="visually-hidden">{` ${personLabel(p.user)}`}</span>
            </button>
            {error && (
              <p id={errorId} class="form-error" role="alert">{error}</p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
