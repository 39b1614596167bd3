import type { ComponentChildren } from "preact";
import { formatAgo, plainText } from "./format.ts";
import InboxBadge from "./InboxBadge.tsx";

/** What one inbox row shows (the island computes it from the server's item and the stream). */
export type InboxRowData = {
  roomId: string;
  kind: "proximity" | "direct" | "group";
  title: string;
  unread: number;
  activityAt: string;
  last: {
    author: { id: string; displayName: string };
    text: string;
    deleted: boolean;
  } | null;
  request: "incoming" | "outgoing" | null;
  current: boolean;
};

/** The kind marker each row starts with. */
export const KIND_LABELS = {
  direct: "DM",
  group: "Group",
  proximity: "Room",
} as const;

/** The last message on one line, as plain text: "You: …", "Ann: …" (a DM's peer goes unnamed). */
export function previewLine(row: InboxRowData, meId: string): string {
  const last = row.last;
  if (!last) return "No messages yet";
  const text = last.deleted ? "Message deleted" : plainText(last.text);
  if (last.author.id === meId) return `You: ${text}`;
  return row.kind === "direct" ? text : `${last.author.displayName}: ${text}`;
}

/** Props of one row: the data, the viewer, the clock and, on the inbox page, its buttons. */
export type InboxRowProps = {
  row: InboxRowData;
  meId: string;
  now: number;
  /** Local times are known only once hydrated (the server would print its own zone). */
  local: boolean;
  children?: ComponentChildren;
};

/** One room or conversation: kind, title, unread badge, last message and when. */
export default function InboxRow(
  { row, meId, now, local, children }: InboxRowProps,
) {
  const classes = ["inbox-item"];
  if (row.unread > 0) classes.push("inbox-item--unread");
  if (row.current) classes.push("inbox-item--current");
  return (
    <li class={classes.join(" ")} data-room={row.roomId}>
      <a
        class="inbox-item__link"
        href={`/rooms/${row.roomId}`}
        aria-current={row.current ? "page" : undefined}
      >
        <span class="inbox-item__top">
          <span class={`inbox-kind inbox-kind--${row.kind}`}>
            {KIND_LABELS[row.kind]}
          </span>
          <span class="inbox-item__title">{row.title}</span>
          {row.unread > 0 && <InboxBadge n={row.unread} />}
        </span>
        <span class="inbox-item__preview">{previewLine(row, meId)}</span>
        <span class="inbox-item__meta">
          <time
            dateTime={row.activityAt}
            title={local
              ? new Date(row.activityAt).toLocaleString()
              : undefined}
          >
            {formatAgo(row.activityAt, now)}
          </time>
          {row.request === "outgoing" && (
            <span class="inbox-item__note">Request sent</span>
          )}
        </span>
      </a>
      {children && <div class="inbox-item__actions">{children}</div>}
    </li>
  );
}
