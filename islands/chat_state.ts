import type { MessageView } from "../lib/shared/schemas.ts";

/** Most messages a chat keeps in memory; older ones fall off the top. */
export const MAX_KEPT_MESSAGES = 500;

/** A message typed here and not yet seen back from the server. */
export type PendingMessage = {
  clientId: string;
  text: string;
  createdAt: string;
  state: "sending" | "sent" | "failed";
  error?: string;
};

/** The chat's messages in seq order plus its own unconfirmed sends. */
export type ChatState = { messages: MessageView[]; pending: PendingMessage[] };

/** The highest seq held, which a (re)subscription resumes after. */
export function lastSeq(s: ChatState): number {
  return s.messages.at(-1)?.seq ?? 0;
}

/**
 * Appends a message newer than the last one held (older or repeated seqs are dropped, so
 * replays never duplicate) and settles the viewer's pending send with the same clientId.
 */
export function receiveMessage(
  s: ChatState,
  m: MessageView,
  myId: string,
): ChatState {
  const pending = m.author.id === myId
    ? s.pending.filter((p) => p.clientId !== m.clientId)
    : s.pending;
  if (m.seq <= lastSeq(s)) {
    return pending.length === s.pending.length ? s : { ...s, pending };
  }
  return { messages: [...s.messages, m].slice(-MAX_KEPT_MESSAGES), pending };
}

/**
 * Handles an ack: the next message in order (or one already held) settles at once; a later
 * one stays pending as "sent" until its message.new arrives, so none before it is skipped.
 */
export function ackMessage(
  s: ChatState,
  m: MessageView,
  myId: string,
): ChatState {
  if (m.seq <= lastSeq(s) + 1) return receiveMessage(s, m, myId);
  return setPending(s, m.clientId, { state: "sent" });
}

/** Adds a new unconfirmed send. */
export function addPending(s: ChatState, p: PendingMessage): ChatState {
  return { ...s, pending: [...s.pending, p] };
}

/** Changes the state of one pending send. */
export function setPending(
  s: ChatState,
  clientId: string,
  change: Pick<PendingMessage, "state" | "error">,
): ChatState {
  return {
    ...s,
    pending: s.pending.map((p) =>
      p.clientId === clientId ? { ...p, ...change } : p
    ),
  };
}

/** A fresh idempotency key; getRandomValues works where randomUUID (secure contexts only) does not. */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
