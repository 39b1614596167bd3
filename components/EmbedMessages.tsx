import type { MessageView } from "../lib/shared/schemas.ts";
import PersonName from "./PersonName.tsx";
import RichText from "./RichText.tsx";
import { formatClock } from "./format.ts";

/** A message as the embed shows it: confirmed, or one of mine still sending or refused. */
export type EmbedRow = MessageView & {
  pending?: "sending" | "failed";
  /** Why a failed send was refused, fit to show. */
  error?: string;
};

/** Props of EmbedMessages: the rows in order, the viewer, and whether times are local yet. */
export type EmbedMessagesProps = {
  rows: EmbedRow[];
  meId: string | null;
  /** False until hydrated: the server and the first client render must print the same times. */
  local: boolean;
};

function Row({ m, own, local }: { m: EmbedRow; own: boolean; local: boolean }) {
  const cls = ["embed-msg"];
  if (own) cls.push("embed-msg--own");
  if (m.pending) cls.push(`embed-msg--${m.pending}`);
  return (
    <li class={cls.join(" ")} data-seq={m.pending ? undefined : m.seq}>
      <p class="embed-msg__meta">
        <PersonName person={m.author} class="embed-msg__author" />{" "}
        <time dateTime={m.createdAt}>{formatClock(m.createdAt, local)}</time>
      </p>
      {m.deleted
        ? (
          <p class="embed-msg__text embed-msg__text--deleted">
            Message deleted
          </p>
        )
        : (
          <p class="embed-msg__text">
            <RichText text={m.text} />
          </p>
        )}
      {m.pending === "sending" && <p class="embed-msg__state">Sending…</p>}
      {m.pending === "failed" && (
        <p class="embed-msg__state form-error" role="alert">
          {m.error ?? "Not sent"}
        </p>
      )}
    </li>
  );
}

/** The embedded room's messages, oldest first; text is rendered as text, never as HTML. */
export default function EmbedMessages(
  { rows, meId, local }: EmbedMessagesProps,
) {
  return (
    <ol class="embed-log" role="log" aria-label="Messages">
      {rows.length === 0 && (
        <li class="embed-log__empty">No messages yet. Say hello!</li>
      )}
      {rows.map((m) => (
        <Row
          key={m.pending ? m.clientId : m.seq}
          m={m}
          own={m.author.id === meId}
          local={local}
        />
      ))}
    </ol>
  );
}
