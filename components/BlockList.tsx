import type { BlockedUser } from "../lib/shared/inbox_schemas.ts";
import PersonName, { personLabel } from "./PersonName.tsx";
import { formatDateTime } from "./session_format.ts";

/** The people I blocked, each with an Unblock form; they were never told. */
export default function BlockList(
  { blocked, error }: { blocked: BlockedUser[]; error?: string },
) {
  return (
    <section class="card stack" aria-labelledby="blocked-title">
      <h2 id="blocked-title">Blocked people</h2>
      <p class="muted">
        They cannot message you or add you to groups, and their messages are
        collapsed for you. They are not told.
      </p>
      {error && <p class="field-error" role="alert">{error}</p>}
      {blocked.length === 0
        ? <p>You have not blocked anyone.</p>
        : (
          <ul class="block-list stack" aria-label="Blocked people">
            {blocked.map((b) => (
              <li class="block-list__item" key={b.id}>
                <span>
                  <PersonName
                    person={b.handle ? b : { displayName: b.displayName }}
                  />
                  {" — blocked "}
                  <time dateTime={b.blockedAt}>
                    {formatDateTime(b.blockedAt)}
                  </time>
                </span>
                <form
                  method="post"
                  action="/settings/blocks/remove"
                  class="inline-form"
                >
                  <input type="hidden" name="userId" value={b.id} />
                  <button
                    type="submit"
                    class="button button--quiet"
                    aria-label={`Unblock ${personLabel(b)}`}
                  >
                    Unblock
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
