import type { MySessionView } from "../lib/shared/account_schemas.ts";
import type { BlockedUser } from "../lib/shared/inbox_schemas.ts";
import type { UserView } from "../lib/shared/schemas.ts";
import BlockList from "./BlockList.tsx";
import Field from "./Field.tsx";
import SessionList from "./SessionList.tsx";

/** What the settings page shows: me, my sessions, whom I blocked, and the last form's outcome. */
export type SettingsPageProps = {
  user: UserView;
  sessions: MySessionView[];
  blocked: BlockedUser[];
  notice?: string;
  /** Errors by form field (displayName, oldPassword, newPassword, password, blocks). */
  errors: Record<string, string>;
  values?: { displayName?: string };
};

/** The account settings: name, password, sessions, blocks, export and deletion, all plain forms. */
export default function SettingsPage(props: SettingsPageProps) {
  const { user, errors } = props;
  return (
    <div class="settings stack">
      <h1>Settings</h1>
      {props.notice && <p role="status" class="notice">{props.notice}</p>}
      <section class="card stack" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <p class="muted">Your handle is @{user.handle}.</p>
        <form method="post" action="/settings/name" class="stack">
          <Field
            id="displayName"
            name="displayName"
            label="Display name"
            hint="Shown beside your messages"
            value={props.values?.displayName ?? user.displayName}
            error={errors.displayName}
            autoComplete="nickname"
            required
            maxLength={64}
          />
          <button type="submit" class="button button--primary">
            Save name
          </button>
        </form>
      </section>
      <section class="card stack" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        <form method="post" action="/settings/password" class="stack">
          <Field
            id="oldPassword"
            name="oldPassword"
            type="password"
            label="Current password"
            error={errors.oldPassword}
            autoComplete="current-password"
            required
            maxLength={256}
          />
          <Field
            id="newPassword"
            name="newPassword"
            type="password"
            label="New password"
            hint="At least 8 characters; your other sessions are signed out"
            error={errors.newPassword}
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={256}
          />
          <button type="submit" class="button button--primary">
            Change password
          </button>
        </form>
      </section>
      <SessionList sessions={props.sessions} />
      <BlockList blocked={props.blocked} error={errors.blocks} />
      <section class="card stack" aria-labelledby="data-title">
        <h2 id="data-title">Your data</h2>
        <p>
          <a class="button" href="/api/v1/me/export" download>
            Download my data (JSON)
          </a>
        </p>
      </section>
      <section class="card stack" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete account</h2>
        <p class="muted">
          Signs you out everywhere, removes you from your rooms and deletes the
          text of your messages. Your handle is held for 7 days, then freed.
          This cannot be undone.
        </p>
        <form method="post" action="/settings/delete" class="stack">
          <Field
            id="deletePassword"
            name="password"
            type="password"
            label="Password to confirm"
            error={errors.password}
            autoComplete="current-password"
            required
            maxLength={256}
          />
          <button type="submit" class="button button--danger">
            Delete my account
          </button>
        </form>
      </section>
    </div>
  );
}
