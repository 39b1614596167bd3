import {
  MESSAGE_MAX_CHARS,
  type MessageCategory,
} from "../lib/shared/schemas.ts";

/** Category names in the composer's picker. */
export const CATEGORY_CHOICES: Record<MessageCategory, string> = {
  social: "Social",
  networking: "Networking",
  announcement: "Announcement",
};

/** The message box's wiring: where it sends, and which categories the viewer may pick. */
export type ComposerProps = {
  id: string;
  label: string;
  disabled: boolean;
  /** Categories offered; with one or none the picker is not shown. */
  categories: MessageCategory[];
  onSend(text: string, category: MessageCategory): void;
  onTyping(): void;
  /** Why posting is limited here ("You are muted until 14:05"), shown above the box. */
  notice?: string;
  /** Refuses input while the notice holds (a mute, the raid shield). */
  locked?: boolean;
  /** Shown instead of the box where the viewer can only read (an ended event, a peek). */
  readOnlyNote?: string;
  /** A step that lets the viewer post ("Confirm you're still here"), under the notice. */
  action?: ComposerAction;
};

/** A button that restores posting, with what went wrong the last time it was pressed. */
export type ComposerAction = {
  label: string;
  busy: boolean;
  error?: string;
  onClick(): void;
};

function Action({ action, disabled }: {
  action: ComposerAction;
  disabled: boolean;
}) {
  return (
    <div class="composer__action">
      <button
        type="button"
        class="button button--small"
        disabled={disabled || action.busy}
        onClick={action.onClick}
      >
        {action.busy ? "Checking your location…" : action.label}
      </button>
      {action.error && <p class="form-error" role="alert">{action.error}</p>}
    </div>
  );
}

/**
 * The message input: Enter sends, Shift+Enter starts a new line; the text stays in the DOM.
 * A notice above it says why posting is limited (with a step that fixes it, when there is
 * one), a mute or the raid shield locks it, and a read-only room shows a note instead.
 */
export default function Composer(props: ComposerProps) {
  function send(form: HTMLFormElement) {
    const data = new FormData(form);
    const text = String(data.get("text") ?? "").trim();
    if (!text) return;
    const category = (data.get("category") ?? "social") as MessageCategory;
    props.onSend(text, category);
    const box = form.elements.namedItem("text") as HTMLTextAreaElement;
    box.value = "";
    box.focus();
  }
  function keyDown(e: KeyboardEvent) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send((e.currentTarget as HTMLTextAreaElement).form!);
    }
  }
  const noteId = `${props.id}-notice`;
  const disabled = props.disabled || !!props.locked;
  if (props.readOnlyNote) {
    return (
      <div class="composer-readonly">
        <p class="composer-readonly__note" role="status">
          {props.readOnlyNote}
        </p>
        {props.action && (
          <Action action={props.action} disabled={props.disabled} />
        )}
      </div>
    );
  }
  return (
    <>
      <p
        id={noteId}
        class={props.notice ? "composer__notice" : "visually-hidden"}
        aria-live="polite"
      >
        {props.notice ?? ""}
      </p>
      {props.action && (
        <Action action={props.action} disabled={props.disabled} />
      )}
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send(e.currentTarget);
        }}
      >
        <label for={props.id} class="visually-hidden">{props.label}</label>
        <textarea
          id={props.id}
          name="text"
          rows={1}
          maxLength={MESSAGE_MAX_CHARS}
          placeholder={props.label}
          autoComplete="off"
          aria-describedby={props.notice ? noteId : undefined}
          disabled={disabled}
          onInput={(e) => e.currentTarget.value.trim() && props.onTyping()}
          onKeyDown={keyDown}
        />
        {props.categories.length > 1 && (
          <select
            name="category"
            class="composer__category"
            aria-label="Category"
            disabled={disabled}
          >
            {props.categories.map((c) => (
              <option value={c}>{CATEGORY_CHOICES[c]}</option>
            ))}
          </select>
        )}
        <button
          type="submit"
          class="button button--primary"
          disabled={disabled}
        >
          Send
        </button>
      </form>
    </>
  );
}
