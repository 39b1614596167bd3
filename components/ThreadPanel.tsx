import type { AuthorView, MessageView } from "../lib/shared/schemas.ts";
import Composer from "./Composer.tsx";
import MessageItem from "./MessageItem.tsx";
import Timeline, { type PendingRow } from "./Timeline.tsx";
import { plural } from "./format.ts";
import type { MessageContext, MessageHandlers } from "./message_types.ts";

/** Props of the thread panel. */
export type ThreadPanelProps = {
  root: MessageView | null;
  replies: MessageView[];
  loaded: boolean;
  pending: PendingRow[];
  me: AuthorView;
  ctx: MessageContext;
  on: MessageHandlers;
  editingSeq: number | null;
  disabled: boolean;
  onClose(): void;
  onRetry(clientId: string): void;
  onReply(text: string): void;
  onTyping(): void;
};

/** A thread beside the log: its root, its replies as they arrive, and a reply box. */
export default function ThreadPanel(props: ThreadPanelProps) {
  const { root, ctx } = props;
  return (
    <section class="panel panel--thread" aria-labelledby="thread-heading">
      <div class="panel__head">
        <h2 id="thread-heading" tabIndex={-1}>Thread</h2>
        <button
          type="button"
          class="button button--small"
          onClick={props.onClose}
        >
          Close thread
        </button>
      </div>
      <div class="panel__body thread" role="log" aria-label="Thread replies">
        {root
          ? (
            <ol class="timeline thread__root">
              <MessageItem
                message={root}
                first
                ctx={ctx}
                on={props.on}
                editing={props.editingSeq === root.seq}
                inThread
              />
            </ol>
          )
          : <p class="muted">Loading thread…</p>}
        <p class="thread__count">
          {props.loaded || props.replies.length
            ? plural(props.replies.length, "reply", "replies")
            : "Loading replies…"}
        </p>
        <Timeline
          messages={props.replies}
          pending={props.pending}
          me={props.me}
          ctx={ctx}
          on={props.on}
          editingSeq={props.editingSeq}
          seen={null}
          onRetry={props.onRetry}
          inThread
        />
      </div>
      <Composer
        id="thread-input"
        label="Reply"
        disabled={props.disabled || !root || root.deleted}
        categories={[]}
        onSend={(text) => props.onReply(text)}
        onTyping={props.onTyping}
      />
    </section>
  );
}
