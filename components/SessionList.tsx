import type { MySessionView } from "../lib/shared/account_schemas.ts";
import { formatDateTime } from "./session_format.ts";

/** My signed-in sessions, each with a sign-out form (none for this device). */
export default function SessionList(
  { sessions }: { sessions: MySessionView[] },
) {
  const others = sessions.filter((s) => !s.current).length;
  return (
    <section class="card stack" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you are signed in</h2>
      <ul class="session-list stack" aria-label="Sessions">
        {sessions.map((s) => (
          <li class="session-list__item" key={s.id}>
            <span>
              {s.current ? <strong>This device</strong> : "Another device"}
              {" — signed in "}
              <time dateTime={s.createdAt}>{formatDateTime(s.createdAt)}</time>
              {", until "}
              <time dateTime={s.expiresAt}>{formatDateTime(s.expiresAt)}</time>
            </span>
            {!s.current && (
              <form
                method="post"
                action="/settings/sessions/revoke"
                class="inline-form"
              >
                <input type="hidden" name="id" value={s.id} />
                <button
                  type="submit"
                  class="button button--quiet"
                  aria-label={`Sign out session started ${
                    formatDateTime(s.createdAt)
                  }`}
                >
                  Sign out
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {others > 0 && (
        <form method="post" action="/settings/sessions/revoke-others">
          <button type="submit" class="button">
            Sign out all other sessions
          </button>
        </form>
      )}
    </section>
  );
}
