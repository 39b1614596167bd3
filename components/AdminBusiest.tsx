import type { BusyRoom } from "../lib/shared/admin_schemas.ts";

const KIND: Record<string, string> = {
  proximity: "Proximity room",
  group: "Group",
  direct: "Direct message",
};

/** The busiest rooms of the range as a table: name (a link for public rooms), kind, messages. */
export default function AdminBusiest({ rooms }: { rooms: BusyRoom[] }) {
  return (
    <section class="admin-section" aria-labelledby="busiest-title">
      <h2 id="busiest-title">Busiest rooms</h2>
      {rooms.length === 0
        ? <p class="muted">No messages in this range.</p>
        : (
          <div
            class="admin-table-wrap"
            role="region"
            tabIndex={0}
            aria-labelledby="busiest-title"
          >
            <table class="admin-table" id="busiest-rooms">
              <caption class="visually-hidden">
                Rooms with the most messages in the range, busiest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Rank</th>
                  <th scope="col">Room</th>
                  <th scope="col">Kind</th>
                  <th scope="col" class="num">Messages</th>
                </tr>
              </thead>
              <tbody>
                {rooms.map((r, i) => (
                  <tr key={r.roomId} data-room={r.roomId}>
                    <td>{i + 1}</td>
                    <th scope="row">
                      {r.kind === "proximity"
                        ? <a href={`/rooms/${r.roomId}`}>{r.name}</a>
                        : r.name}
                    </th>
                    <td>{r.kind ? KIND[r.kind] : "Deleted"}</td>
                    <td class="num">{r.messages.toLocaleString("en")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  );
}
