import type { NotificationView } from "../lib/shared/schemas.ts";
import { plural } from "./format.ts";
import PersonName from "./PersonName.tsx";

/** Props of the unread-mentions badge. */
export type MentionBadgeProps = {
  unread: number;
  items: NotificationView[];
  /** The newest mention, shown briefly as a toast. */
  toast: NotificationView | null;
  onReadAll(): void;
};

function href(n: NotificationView): string {
  return `/rooms/${n.roomId}#m-${n.messageSeq}`;
}

/** An "@ 2" badge that opens the unread mentions, plus a toast when a new one arrives. */
export default function MentionBadge(props: MentionBadgeProps) {
  return (
    <>
      {props.unread > 0 && (
        <details class="mentions">
          <summary
            class="mentions__badge"
            aria-label={plural(props.unread, "unread mention")}
          >
            <span aria-hidden="true">{`@ ${props.unread}`}</span>
          </summary>
          <div class="mentions__menu">
            <ul class="mentions__list">
              {props.items.map((n) => (
                <li key={n.seq}>
                  <a href={href(n)}>
                    <PersonName person={n.from} class="mentions__from" />
                    {n.excerpt ? `: ${n.excerpt}` : " mentioned you"}
                  </a>
                </li>
              ))}
            </ul>
            <button
              type="button"
              class="button button--small"
              onClick={props.onReadAll}
            >
              Mark all read
            </button>
          </div>
        </details>
      )}
      {props.toast && (
        <p class="toast" role="status">
          <a href={href(props.toast)}>
            <PersonName person={props.toast.from} />
            {" mentioned you"}
            {props.toast.excerpt && `: ${props.toast.excerpt}`}
          </a>
        </p>
      )}
    </>
  );
}
