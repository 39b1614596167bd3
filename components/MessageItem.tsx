import { useContext } from "preact/hooks";
import type { MessageView } from "../lib/shared/schemas.ts";
import Avatar from "./Avatar.tsx";
import BlockedMessage, {
  BlockedContext,
  isCollapsed,
} from "./BlockedMessage.tsx";
import MessageActions, { type ReportHandler } from "./MessageActions.tsx";
import MessageEditor from "./MessageEditor.tsx";
import PersonName, { People, type Person, personLabel } from "./PersonName.tsx";
import ReactionChips from "./ReactionChips.tsx";
import RichText from "./RichText.tsx";
import { formatClock, plural } from "./format.ts";
import {
  mentionPredicate,
  type MessageContext,
  type MessageHandlers,
} from "./message_types.ts";

/** One message row and what it shows around its text. */
export type MessageItemProps = {
  message: MessageView;
  /** Starts a group: shows the avatar, name and time. */
  first: boolean;
  ctx: MessageContext;
  /** The row's handlers; `report` is there where the page offers reporting. */
  on: MessageHandlers & ReportHandler;
  editing: boolean;
  /** Rendered inside the thread panel rather than the room's log. */
  inThread?: boolean;
  /** Who has read this, the viewer's last message ("Seen by …"). */
  seenBy?: Person[];
};

const CATEGORY_NAMES = {
  networking: "Networking",
  announcement: "Announcement",
} as const;

function classes(p: MessageItemProps): string {
  const m = p.message;
  const out = ["msg"];
  if (p.first) out.push("msg--first");
  if (m.author.id === p.ctx.meId) out.push("msg--own");
  if (m.deleted) out.push("msg--deleted");
  if (m.category === "announcement") out.push("msg--announcement");
  if (m.mentions.includes(p.ctx.meId)) out.push("msg--mentions-me");
  return out.join(" ");
}

function Body({ message: m, ctx, on, editing }: MessageItemProps) {
  if (m.deleted) return <p class="msg__tombstone">Message deleted</p>;
  if (editing) {
    return (
      <MessageEditor
        seq={m.seq}
        text={m.text}
        onSave={(text) => on.saveEdit(m.seq, text)}
        onCancel={() => on.cancelEdit(m.seq)}
      />
    );
  }
  return (
    <p class="msg__text">
      <RichText
        text={m.text}
        mentionHandles={mentionPredicate(m, ctx)}
        me={ctx.meHandle}
      />
    </p>
  );
}

function Footer({ message: m, on, inThread }: MessageItemProps) {
  const edited = m.editedAt && !m.deleted;
  const link = m.threadRoot !== null && !inThread;
  const replies = m.replyCount > 0 && !inThread;
  if (!edited && !link && !replies) return null;
  return (
    <p class="msg__footer">
      {edited && <span class="msg__edited">(edited)</span>}
      {link && (
        <button
          type="button"
          class="link-button msg__thread-link"
          onClick={() => on.openThread(m.threadRoot!)}
        >
          ↪ in thread
        </button>
      )}
      {replies && (
        <button
          type="button"
          class="link-button msg__replies"
          onClick={() => on.openThread(m.seq)}
        >
          {plural(m.replyCount, "reply", "replies")}
        </button>
      )}
    </p>
  );
}

/**
 * A chat message: avatar and name at a group's start, safe rich text, reactions and actions;
 * collapsed when its author is someone the viewer blocked.
 */
export default function MessageItem(props: MessageItemProps) {
  const { message: m, ctx } = props;
  const blocked = useContext(BlockedContext);
  if (isCollapsed(blocked, m)) {
    return (
      <BlockedMessage
        seq={m.seq}
        createdAt={m.createdAt}
        local={ctx.local}
        inThread={props.inThread}
        onShow={() => blocked.show(m.seq)}
      />
    );
  }
  const clock = formatClock(m.createdAt, ctx.local);
  const badge = m.category === "social" ? null : CATEGORY_NAMES[m.category];
  return (
    <li
      id={props.inThread ? undefined : `m-${m.seq}`}
      class={classes(props)}
      data-seq={m.seq}
    >
      <div class="msg__side">
        {props.first
          ? <Avatar user={m.author} />
          : <time class="msg__gutter" dateTime={m.createdAt}>{clock}</time>}
      </div>
      <div class="msg__body">
        {props.first
          ? (
            <p class="msg__meta">
              <PersonName person={m.author} class="msg__author" />
              <time dateTime={m.createdAt}>{clock}</time>
              {badge && (
                <span class={`badge badge--${m.category}`}>{badge}</span>
              )}
            </p>
          )
          : (
            <span class="visually-hidden">
              {`${personLabel(m.author)}:`}
            </span>
          )}
        <Body {...props} />
        <Footer {...props} />
        <ReactionChips message={m} ctx={ctx} on={props.on} />
        {props.seenBy && props.seenBy.length > 0 && (
          <p class="msg__seen">
            Seen by <People people={props.seenBy} />
          </p>
        )}
      </div>
      {!m.deleted && !props.editing && (
        <MessageActions
          message={m}
          ctx={ctx}
          on={props.on}
          inThread={props.inThread}
        />
      )}
    </li>
  );
}
