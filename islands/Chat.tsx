import { useLayoutEffect, useRef, useState } from "preact/hooks";
import Composer from "../components/Composer.tsx";
import MessageItem from "../components/MessageItem.tsx";
import type { ChatProps } from "../lib/shared/island_props.ts";
import type { SocketStatus } from "./chat_socket.ts";
import { useHydrated } from "./hooks.ts";
import { useChat } from "./use_chat.ts";

const STATUS_LABELS: Record<SocketStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  offline: "Offline — reconnecting…",
};

/** A room's live chat: history from the server, then one WebSocket for new messages. */
export default function Chat({ roomId, me, history }: ChatProps) {
  const hydrated = useHydrated();
  const { state, status, notice, send, retry } = useChat(roomId, me, history);
  const [draft, setDraft] = useState("");
  const log = useRef<HTMLOListElement>(null);
  // Follow new messages only while the reader is at the bottom of the log.
  const stick = useRef(true);

  useLayoutEffect(() => {
    const el = log.current;
    if (stick.current && el) el.scrollTop = el.scrollHeight;
  }, [state]);

  function submit() {
    const text = draft.trim();
    if (!text) return;
    stick.current = true;
    setDraft("");
    send(text);
  }

  function scrolled() {
    const el = log.current!;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  return (
    <div class="chat">
      <p role="status" class={`chat__status chat__status--${status}`}>
        {STATUS_LABELS[status]}
        {notice && <span class="chat__notice">{` · ${notice}`}</span>}
      </p>
      <ol
        ref={log}
        class="chat__log"
        role="log"
        aria-live="polite"
        aria-label="Messages"
        tabIndex={0}
        onScroll={scrolled}
      >
        {state.messages.map((m) => (
          <MessageItem
            key={m.id}
            author={m.author.displayName}
            text={m.text}
            createdAt={m.createdAt}
            own={m.author.id === me.id}
            localTime={hydrated}
          />
        ))}
        {state.pending.map((p) => (
          <MessageItem
            key={p.clientId}
            author={me.displayName}
            text={p.text}
            createdAt={p.createdAt}
            own
            localTime={hydrated}
            pending={p.state}
            error={p.error}
            onRetry={() => retry(p)}
          />
        ))}
      </ol>
      {state.messages.length === 0 && state.pending.length === 0 && (
        <p class="chat__empty muted">No messages yet. Say hello!</p>
      )}
      <Composer
        value={draft}
        disabled={!hydrated}
        onInput={setDraft}
        onSend={submit}
      />
    </div>
  );
}
