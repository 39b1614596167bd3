import type { AuthorView } from "../lib/shared/schemas.ts";
import Avatar from "./Avatar.tsx";
import PersonName from "./PersonName.tsx";
import RichText from "./RichText.tsx";
import { formatClock } from "./format.ts";

/** One of the viewer's messages on its way: sending, or failed with a reason and a retry. */
export type PendingItemProps = {
  author: AuthorView;
  text: string;
  createdAt: string;
  state: "sending" | "failed";
  error?: string;
  local: boolean;
  first: boolean;
  onRetry(): void;
};

/** A message typed here that the server has not confirmed yet. */
export default function PendingItem(props: PendingItemProps) {
  const clock = formatClock(props.createdAt, props.local);
  return (
    <li
      class={`msg msg--own msg--${props.state}${
        props.first ? " msg--first" : ""
      }`}
    >
      <div class="msg__side">
        {props.first && <Avatar user={props.author} />}
      </div>
      <div class="msg__body">
        {props.first && (
          <p class="msg__meta">
            <PersonName person={props.author} class="msg__author" />
            <time dateTime={props.createdAt}>{clock}</time>
          </p>
        )}
        <p class="msg__text">
          <RichText text={props.text} me={props.author.handle} />
        </p>
        <p class="msg__footer msg__state">
          {props.state === "sending"
            ? "Sending…"
            : `Not sent${props.error ? `: ${props.error}` : ""}`}
          {props.state === "failed" && (
            <button type="button" class="link-button" onClick={props.onRetry}>
              Retry
            </button>
          )}
        </p>
      </div>
    </li>
  );
}
