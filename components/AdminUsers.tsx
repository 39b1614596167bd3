import type { AdminPage, AdminUserRow } from "../lib/shared/admin_schemas.ts";
import AdminNav from "./AdminNav.tsx";
import Pager from "./AdminPager.tsx";

const day = (iso: string) => iso.slice(0, 10);

/** A user's standing as short badges: role, banned, shadow-banned. */
function Standing({ u }: { u: AdminUserRow }) {
  const flags = [
    u.banned && "Banned",
    u.shadowBanned && "Shadow-banned",
  ].filter(Boolean) as string[];
  if (!flags.length) return <span class="muted">In good standing</span>;
  return (
    <>
      {flags.map((f) => <span key={f} class="badge badge--warn">{f}</span>)}
    </>
  );
}

/** /admin/users: a page of users, newest first, linking to the moderation page's actions. */
export default function AdminUsers(
  { page, first }: { page: AdminPage<AdminUserRow>; first: boolean },
) {
  return (
    <div class="admin-page">
      <h1>Admin</h1>
      <AdminNav current="/admin/users" />
      <section class="admin-section" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <p class="hint">
          Newest first. Bans, shadow bans and site roles are on the{" "}
          <a href="/moderation">moderation page</a>.
        </p>
        {page.items.length === 0
          ? <p class="muted">No users{first ? "" : " on this page"}.</p>
          : (
            <div
              class="admin-table-wrap"
              role="region"
              tabIndex={0}
              aria-labelledby="users-title"
            >
              <table class="admin-table" id="admin-users">
                <caption class="visually-hidden">Users, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Handle</th>
                    <th scope="col">Display name</th>
                    <th scope="col">Created</th>
                    <th scope="col">Site role</th>
                    <th scope="col">Standing</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((u) => (
                    <tr key={u.id} data-user={u.id}>
                      <th scope="row">@{u.handle}</th>
                      <td>{u.displayName}</td>
                      <td>
                        <time dateTime={u.createdAt}>{day(u.createdAt)}</time>
                      </td>
                      <td>{u.siteRole ?? <span class="muted">none</span>}</td>
                      <td>
                        <Standing u={u} />
                      </td>
                      <td>
                        <a
                          href={`/moderation?user=${
                            encodeURIComponent(u.handle)
                          }`}
                          aria-label={`Moderate @${u.handle}`}
                        >
                          Moderate
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        <Pager base="/admin/users" cursor={page.cursor} first={first} />
      </section>
    </div>
  );
}
