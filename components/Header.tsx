import type { UserView } from "../lib/shared/schemas.ts";

/** The signed-in user as the header needs them: a site role adds the Moderation link. */
export type HeaderUser = UserView & { siteRole?: "admin" | "moderator" | null };

/**
 * The site header: brand, navigation (with the Inbox link, whose unread badge the Inbox island
 * keeps up to date, and Moderation for site staff) and who is signed in (with a sign-out form).
 */
export default function Header({ user }: { user: HeaderUser | null }) {
  return (
    <header class="site-header">
      <div class="container site-header__inner">
        <a class="brand" href="/">Vicinity</a>
        <nav aria-label="Main">
          <ul class="nav">
            <li>
              <a href="/">Nearby</a>
            </li>
            {user && (
              <li>
                <a href="/people">People</a>
              </li>
            )}
            {user && (
              <li>
                <a href="/inbox" class="nav__inbox">
                  Inbox
                  {/* Filled in by the Inbox island on pages that have one. */}
                  <span class="inbox-badge" data-inbox-total hidden>
                    <span data-count></span>{" "}
                    <span class="visually-hidden">unread</span>
                  </span>
                </a>
              </li>
            )}
            {user?.siteRole && (
              <li>
                <a href="/moderation">Moderation</a>
              </li>
            )}
            {user && (
              <li>
                <a href="/settings">Settings</a>
              </li>
            )}
            <li>
              <a href="/docs">API</a>
            </li>
            {user
              ? (
                <li class="nav__user">
                  <span class="nav__name" title={`@${user.handle}`}>
                    {user.displayName}
                  </span>
                  <form method="post" action="/logout" class="inline-form">
                    <button type="submit" class="button button--quiet">
                      Sign out
                    </button>
                  </form>
                </li>
              )
              : (
                <>
                  <li>
                    <a href="/login">Sign in</a>
                  </li>
                  <li>
                    <a href="/register">Register</a>
                  </li>
                </>
              )}
          </ul>
        </nav>
      </div>
    </header>
  );
}
