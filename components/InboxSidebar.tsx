import { plural } from "./format.ts";
import InboxBadge from "./InboxBadge.tsx";
import InboxRow, { type InboxRowData } from "./InboxRow.tsx";

/** Props of the compact inbox beside a room. */
export type InboxSidebarProps = {
  rows: InboxRowData[];
  /** Requests waiting for my answer (answered on the inbox page). */
  requests: number;
  total: number;
  meId: string;
  now: number;
  /** Wide screens list the rooms; narrow ones show one link to the inbox page. */
  wide: boolean;
  loaded: boolean;
  /** Why the list could not be loaded ("" when it could). */
  error: string;
  local: boolean;
};

/** "My rooms everywhere": my rooms beside the chat, or a link to them on a phone. */
export default function InboxSidebar(props: InboxSidebarProps) {
  if (!props.wide) {
    return (
      <nav class="inbox-side inbox-side--bar" aria-label="My rooms">
        <a class="inbox-side__link" href="/inbox">
          My rooms
          {props.total > 0 && <InboxBadge n={props.total} />}
        </a>
      </nav>
    );
  }
  return (
    <nav class="inbox-side" aria-labelledby="inbox-side-heading">
      <div class="inbox-side__head">
        <h2 id="inbox-side-heading">My rooms</h2>
        <a href="/inbox">
          Inbox
          {props.total > 0 && <InboxBadge n={props.total} />}
        </a>
      </div>
      {props.requests > 0 && (
        <p class="inbox-side__requests">
          <a href="/inbox">
            {plural(props.requests, "message request")}
          </a>
        </p>
      )}
      {props.error
        ? <p class="inbox-side__empty form-error">{props.error}</p>
        : !props.loaded
        ? <p class="inbox-side__empty muted">Loading…</p>
        : props.rows.length === 0
        ? <p class="inbox-side__empty muted">No rooms yet.</p>
        : (
          <ul class="inbox-list inbox-list--compact">
            {props.rows.map((row) => (
              <InboxRow
                key={row.roomId}
                row={row}
                meId={props.meId}
                now={props.now}
                local={props.local}
              />
            ))}
          </ul>
        )}
    </nav>
  );
}
