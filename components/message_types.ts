import type { AuthorView, MessageView } from "../lib/shared/schemas.ts";

/** What every message row needs to know about the viewer and the page. */
export type MessageContext = {
  meId: string;
  meHandle: string;
  /** Owners and admins delete any message and pin. */
  canModerate: boolean;
  /** True once hydrated: local times, working buttons. */
  local: boolean;
  /** A member's display name and handle by id, when known. */
  personOf(userId: string): AuthorView | null;
};

/** What a message row can ask the chat to do. */
export type MessageHandlers = {
  react(seq: number, emoji: string, on: boolean): void;
  openThread(rootSeq: number): void;
  startEdit(seq: number): void;
  cancelEdit(seq: number): void;
  saveEdit(seq: number, text: string): void;
  remove(seq: number): void;
  pin(seq: number, pinned: boolean): void;
};

/** Emojis offered with one tap; any other can be typed. */
export const QUICK_EMOJIS = ["👍", "❤️", "😂", "🎉", "😮", "🙏"] as const;

/** Which @handles in a message are real mentions: all of them when some id has no known handle. */
export function mentionPredicate(
  m: MessageView,
  ctx: MessageContext,
): ((handle: string) => boolean) | undefined {
  const handles = m.mentions.map((id) =>
    ctx.personOf(id)?.handle.toLowerCase()
  );
  if (handles.some((h) => h === undefined)) return undefined;
  const set = new Set(handles);
  return (h) => set.has(h.toLowerCase());
}
