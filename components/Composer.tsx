import { MESSAGE_MAX_CHARS } from "../lib/shared/schemas.ts";

/** The message box's value and callbacks. */
export type ComposerProps = {
  value: string;
  disabled: boolean;
  onInput(value: string): void;
  onSend(): void;
};

/** The message input: Enter sends, Shift+Enter starts a new line. */
export default function Composer(props: ComposerProps) {
  function keyDown(e: KeyboardEvent) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      props.onSend();
    }
  }
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSend();
      }}
    >
      <label for="message-input" class="visually-hidden">Message</label>
      <textarea
        id="message-input"
        name="text"
        rows={1}
        maxLength={MESSAGE_MAX_CHARS}
        placeholder="Message"
        autoComplete="off"
        value={props.value}
        disabled={props.disabled}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        onKeyDown={keyDown}
      />
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
