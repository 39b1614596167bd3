import { memo } from "preact/compat";
import type { AuthorView, MessageView } from "../lib/shared/schemas.ts";
import MessageItem from "./MessageItem.tsx";
import PendingItem from "./PendingItem.tsx";
import type { Person } from "./PersonName.tsx";
import { formatDay } from "./format.ts";
import type { MessageContext, MessageHandlers } from "./message_types.ts";
import { buildTimeline, continuesGroup } from "./timeline.ts";

/** A send still on its way, as the log shows it. */
export type PendingRow = {
  clientId: string;
  text: string;
  createdAt: string;
  state: "sending" | "failed";
  error?: string;
};

/** Props of the message list. */
export type TimelineProps = {
  messages: MessageView[];
  pending: PendingRow[];
  me: AuthorView;
  ctx: MessageContext;
  on: MessageHandlers;
  editingSeq: number | null;
  /** Who has read the viewer's last message, and that message's seq. */
  seen: { seq: number; readers: Person[] } | null;
  onRetry(clientId: string): void;
  inThread?: boolean;
};

// Rows re-render only when their own message or flags change, not on every frame.
const Row = memo(MessageItem);

/** The ordered list of messages with date separators, grouped runs and pending sends last. */
export default function Timeline(props: TimelineProps) {
  const { ctx } = props;
  const rows = buildTimeline(props.messages, ctx.local);
  const last = props.messages.at(-1);
  const lastIsMine = last?.author.id === ctx.meId;
  return (
    <ol class="timeline">
      {rows.map((row) =>
        row.kind === "day"
          ? (
            <li key={row.key} class="day">
              <time dateTime={row.iso.slice(0, 10)}>
                {formatDay(row.iso, ctx.local)}
              </time>
            </li>
          )
          : (
            <Row
              key={row.key}
              message={row.message}
              first={row.first}
              ctx={ctx}
              on={props.on}
              editing={props.editingSeq === row.message.seq}
              inThread={props.inThread}
              seenBy={props.seen?.seq === row.message.seq
                ? props.seen.readers
                : undefined}
            />
          )
      )}
      {props.pending.map((p, i) => (
        <PendingItem
          key={p.clientId}
          author={props.me}
          text={p.text}
          createdAt={p.createdAt}
          state={p.state}
          error={p.error}
          local={ctx.local}
          first={i === 0 && !(lastIsMine && last &&
            continuesGroup(
              last,
              { ...last, createdAt: p.createdAt },
              ctx.local,
            ))}
          onRetry={() => props.onRetry(p.clientId)}
        />
      ))}
    </ol>
  );
}
