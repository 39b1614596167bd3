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
};

/** The message input: Enter sends, Shift+Enter starts a new line; the text stays in the DOM. */
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
  return (
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
        disabled={props.disabled}
        onInput={(e) => e.currentTarget.value.trim() && props.onTyping()}
        onKeyDown={keyDown}
      />
      {props.categories.length > 1 && (
        <select
          name="category"
          class="composer__category"
          aria-label="Category"
          disabled={props.disabled}
        >
          {props.categories.map((c) => (
            <option value={c}>{CATEGORY_CHOICES[c]}</option>
          ))}
        </select>
      )}
      <button
        type="submit"
        class="button button--primary"
        disabled={props.disabled}
      >
        Send
      </button>
    </form>
  );
}
