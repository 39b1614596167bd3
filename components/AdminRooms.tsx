import type { AdminPage, AdminRoomRow } from "../lib/shared/admin_schemas.ts";
import AdminNav from "./AdminNav.tsx";
import Pager from "./AdminPager.tsx";

const KIND: Record<AdminRoomRow["kind"], string> = {
  proximity: "Proximity",
  group: "Group",
  direct: "Direct",
};

const when = (iso: string | null) =>
  iso
    ? <time dateTime={iso}>{iso.slice(0, 16).replace("T", " ")}</time>
    : <span class="muted">never</span>;

/** A room's name: a link for public rooms; never a direct conversation's. */
function Name({ r }: { r: AdminRoomRow }) {
  if (r.name === null) return <span class="muted">Direct message</span>;
  return r.kind === "proximity" && !r.expired
    ? <a href={`/rooms/${r.id}`}>{r.name}</a>
    : <>{r.name}</>;
}

/** /admin/rooms: a page of rooms of every kind, newest first. */
export default function AdminRooms(
  { page, first }: { page: AdminPage<AdminRoomRow>; first: boolean },
) {
  return (
    <div class="admin-page">
      <h1>Admin</h1>
      <AdminNav current="/admin/rooms" />
      <section class="admin-section" aria-labelledby="rooms-title">
        <h2 id="rooms-title">Rooms</h2>
        <p class="hint">Newest first; times are UTC.</p>
        {page.items.length === 0
          ? <p class="muted">No rooms{first ? "" : " on this page"}.</p>
          : (
            <div
              class="admin-table-wrap"
              role="region"
              tabIndex={0}
              aria-labelledby="rooms-title"
            >
              <table class="admin-table" id="admin-rooms">
                <caption class="visually-hidden">Rooms, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Kind</th>
                    <th scope="col" class="num">Members</th>
                    <th scope="col">Last activity</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((r) => (
                    <tr key={r.id} data-room={r.id}>
                      <th scope="row">
                        <Name r={r} />
                        {r.expired && <span class="badge">ended</span>}
                      </th>
                      <td>{KIND[r.kind]}</td>
                      <td class="num">{r.members.toLocaleString("en")}</td>
                      <td>{when(r.lastMessageAt)}</td>
                      <td>{when(r.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        <Pager base="/admin/rooms" cursor={page.cursor} first={first} />
      </section>
    </div>
  );
}
