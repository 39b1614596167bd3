import { createContext } from "preact";
import { formatClock } from "./format.ts";

/** Whose messages the viewer collapses, and the ones they chose to see anyway. */
export type BlockedView = {
  /** Ids of the people the viewer blocked. */
  blocked: ReadonlySet<string>;
  /** Seqs of collapsed messages the viewer revealed in this page view. */
  shown: ReadonlySet<number>;
  show(seq: number): void;
};

/** Read by every message row, so the log, the thread and its root collapse alike. */
export const BlockedContext = createContext<BlockedView>({
  blocked: new Set(),
  shown: new Set(),
  show: () => {},
});

/** Whether a message stays collapsed: its author is blocked and it was not revealed. */
export function isCollapsed(
  view: BlockedView,
  m: { seq: number; author: { id: string }; deleted: boolean },
): boolean {
  return !m.deleted && view.blocked.has(m.author.id) && !view.shown.has(m.seq);
}

/** Props of a collapsed message row. */
export type BlockedMessageProps = {
  seq: number;
  createdAt: string;
  local: boolean;
  inThread?: boolean;
  onShow(): void;
};

/** A message from someone the viewer blocked: no name, no text, a button to see it once. */
export default function BlockedMessage(props: BlockedMessageProps) {
  const clock = formatClock(props.createdAt, props.local);
  return (
    <li
      id={props.inThread ? undefined : `m-${props.seq}`}
      class="msg msg--first msg--blocked"
      data-seq={props.seq}
    >
      <div class="msg__side">
        <time class="msg__gutter" dateTime={props.createdAt}>{clock}</time>
      </div>
      <div class="msg__body">
        <p class="msg__blocked">
          <span>Message from a blocked user</span>{" "}
          <button type="button" class="link-button" onClick={props.onShow}>
            Show
          </button>
        </p>
      </div>
    </li>
  );
}
