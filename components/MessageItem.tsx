import { formatClock } from "./format.ts";

/** One line of the chat log, confirmed or still on its way. */
export type MessageItemProps = {
  author: string;
  text: string;
  createdAt: string;
  own: boolean;
  localTime: boolean;
  pending?: "sending" | "sent" | "failed";
  error?: string;
  onRetry?: () => void;
};

const PENDING_LABELS = {
  sending: "Sending…",
  sent: "Sent",
  failed: "Not sent",
} as const;

/** A chat message: author, time and text; the text is always rendered as text, never HTML. */
export default function MessageItem(props: MessageItemProps) {
  const classes = ["msg"];
  if (props.own) classes.push("msg--own");
  if (props.pending) classes.push(`msg--${props.pending}`);
  return (
    <li class={classes.join(" ")}>
      <div class="msg__meta">
        <span class="msg__author">{props.author}</span>
        <time dateTime={props.createdAt}>
          {formatClock(props.createdAt, props.localTime)}
        </time>
        {props.pending && (
          <span class="msg__state">
            {PENDING_LABELS[props.pending]}
            {props.error && `: ${props.error}`}
          </span>
        )}
        {props.pending === "failed" && props.onRetry && (
          <button type="button" class="link-button" onClick={props.onRetry}>
            Retry
          </button>
        )}
      </div>
      <p class="msg__text">{props.text}</p>
    </li>
  );
}
