import { MESSAGE_MAX_CHARS } from "../lib/shared/schemas.ts";

/** Props of the inline editor that replaces a message's text while it is edited. */
export type MessageEditorProps = {
  seq: number;
  text: string;
  onSave(text: string): void;
  onCancel(): void;
};

/** Focuses the editor once, with the caret after the text. */
function focusOnce(el: HTMLTextAreaElement | null) {
  if (!el || el.dataset.focused) return;
  el.dataset.focused = "1";
  el.focus();
  el.setSelectionRange(el.value.length, el.value.length);
}

/** An inline editor: Enter or Save saves, Escape or Cancel leaves the text as it was. */
export default function MessageEditor(props: MessageEditorProps) {
  const id = `edit-${props.seq}`;
  function save(form: HTMLFormElement) {
    const text = String(new FormData(form).get("text") ?? "").trim();
    if (!text) return;
    if (text === props.text) props.onCancel();
    else props.onSave(text);
  }
  function keyDown(e: KeyboardEvent) {
    const el = e.currentTarget as HTMLTextAreaElement;
    if (e.key === "Escape") {
      e.preventDefault();
      props.onCancel();
    } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      save(el.form!);
    }
  }
  return (
    <form
      class="msg-editor"
      onSubmit={(e) => {
        e.preventDefault();
        save(e.currentTarget);
      }}
    >
      <label for={id} class="visually-hidden">Edit message</label>
      <textarea
        id={id}
        name="text"
        rows={2}
        maxLength={MESSAGE_MAX_CHARS}
        defaultValue={props.text}
        ref={focusOnce}
        onKeyDown={keyDown}
      />
      <div class="msg-editor__actions">
        <button type="submit" class="button button--primary">Save</button>
        <button type="button" class="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
