import { isSingleEmoji, type MessageView } from "../lib/shared/schemas.ts";
import {
  type MessageContext,
  type MessageHandlers,
  QUICK_EMOJIS,
} from "./message_types.ts";

/** Reporting, which rows offer where the page wires it (the room's chat). */
export type ReportHandler = {
  /** Opens the report form for someone else's message. */
  report?(message: MessageView): void;
};

/** Props of a message's action menu. */
export type MessageActionsProps = {
  message: MessageView;
  ctx: MessageContext;
  on: MessageHandlers & ReportHandler;
  /** Hides "Reply in thread" where the thread is already shown. */
  inThread?: boolean;
};

/** Closes the menu an action was chosen from, so the next tab stop is the next message. */
function closeMenu(e: Event) {
  const menu = (e.currentTarget as HTMLElement).closest("details.msg-actions");
  menu?.removeAttribute("open");
  menu?.querySelector("summary")?.focus();
}

/** Opening one menu closes the others and brings the menu into view. */
function toggled(e: Event) {
  const menu = e.currentTarget as HTMLDetailsElement;
  if (!menu.open) return;
  for (const other of document.querySelectorAll("details.msg-actions[open]")) {
    if (other !== menu) other.removeAttribute("open");
  }
  menu.querySelector(".msg-actions__menu")?.scrollIntoView({
    block: "nearest",
  });
}

/** Escape closes the menu and returns focus to its toggle. */
function escape(e: KeyboardEvent) {
  if (e.key !== "Escape") return;
  const menu = e.currentTarget as HTMLDetailsElement;
  if (!menu.open) return;
  e.preventDefault();
  menu.removeAttribute("open");
  menu.querySelector("summary")?.focus();
}

function mine(m: MessageView, ctx: MessageContext, emoji: string): boolean {
  return m.reactions.some((r) => r.emoji === emoji && r.by.includes(ctx.meId));
}

/**
 * A message's "⋯" menu, keyboard reachable as a native disclosure: quick reactions, any emoji,
 * reply in thread, report (others' messages), and edit, delete (with an inline confirmation)
 * and pin where allowed.
 */
export default function MessageActions(props: MessageActionsProps) {
  const { message: m, ctx, on } = props;
  const own = m.author.id === ctx.meId;
  const act = (fn: () => void) => (e: Event) => {
    fn();
    closeMenu(e);
  };
  function custom(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem("emoji") as HTMLInputElement;
    const emoji = input.value.trim();
    input.setCustomValidity(isSingleEmoji(emoji) ? "" : "Type one emoji");
    if (!input.reportValidity()) return;
    on.react(m.seq, emoji, !mine(m, ctx, emoji));
    form.reset();
    closeMenu(e);
  }
  return (
    <details class="msg-actions" onToggle={toggled} onKeyDown={escape}>
      <summary class="msg-actions__toggle" aria-label="Message actions">
        <span aria-hidden="true">⋯</span>
      </summary>
      <div class="msg-actions__menu">
        <div class="msg-actions__emojis" role="group" aria-label="React">
          {QUICK_EMOJIS.map((emoji) => (
            <button
              type="button"
              class="msg-actions__emoji"
              aria-label={`React ${emoji}`}
              aria-pressed={mine(m, ctx, emoji)}
              disabled={!ctx.local}
              onClick={act(() => on.react(m.seq, emoji, !mine(m, ctx, emoji)))}
            >
              {emoji}
            </button>
          ))}
        </div>
        <form class="msg-actions__custom" onSubmit={custom}>
          <input
            name="emoji"
            aria-label="Any emoji"
            placeholder="Any emoji"
            autoComplete="off"
            maxLength={32}
            onInput={(e) => e.currentTarget.setCustomValidity("")}
          />
          <button type="submit" class="button" disabled={!ctx.local}>
            React
          </button>
        </form>
        <div class="msg-actions__row">
          {!props.inThread && (
            <button
              type="button"
              class="button"
              onClick={act(() => on.openThread(m.threadRoot ?? m.seq))}
            >
              Reply in thread
            </button>
          )}
          {own && (
            <button
              type="button"
              class="button"
              onClick={act(() => on.startEdit(m.seq))}
            >
              Edit
            </button>
          )}
          {ctx.canModerate && (
            <button
              type="button"
              class="button"
              onClick={act(() => on.pin(m.seq, !m.pinned))}
            >
              {m.pinned ? "Unpin" : "Pin"}
            </button>
          )}
          {!own && on.report && (
            <button
              type="button"
              class="button"
              disabled={!ctx.local}
              onClick={act(() => on.report?.(m))}
            >
              Report…
            </button>
          )}
          {(own || ctx.canModerate) && (
            <details class="msg-actions__confirm">
              <summary class="button button--danger">Delete…</summary>
              <p>Delete this message for everyone?</p>
              <button
                type="button"
                class="button button--danger"
                onClick={act(() => on.remove(m.seq))}
              >
                Delete message
              </button>
            </details>
          )}
        </div>
      </div>
    </details>
  );
}
