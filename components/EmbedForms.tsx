import type { JSX } from "preact";
import { MESSAGE_MAX_CHARS } from "../lib/shared/schemas.ts";

/** What every embed form shows besides its fields: whether it is working, and what failed. */
type FormState = { busy: boolean; error: string | null };

/** Reads one named field of a submitted form as trimmed text. */
function field(e: JSX.TargetedSubmitEvent<HTMLFormElement>, name: string) {
  e.preventDefault();
  return String(new FormData(e.currentTarget).get(name) ?? "").trim();
}

function ErrorLine({ error }: { error: string | null }) {
  return error ? <p class="form-error" role="alert">{error}</p> : null;
}

/** A visitor picks the name they post under (a guest account), or chooses to sign in. */
export function EmbedGuestForm(
  props: FormState & { onJoin(name: string): void; onSignIn(): void },
) {
  return (
    <form
      class="embed-form"
      onSubmit={(e) => props.onJoin(field(e, "displayName"))}
    >
      <div class="embed-form__row">
        <div class="field">
          <label for="embed-name">Your name</label>
          <input
            id="embed-name"
            name="displayName"
            required
            maxLength={64}
            autocomplete="nickname"
          />
        </div>
        <button
          type="submit"
          class="button button--primary"
          disabled={props.busy}
        >
          Join the chat
        </button>
      </div>
      <ErrorLine error={props.error} />
      <p class="hint">
        You will post as a guest.{" "}
        <button type="button" class="link-button" onClick={props.onSignIn}>
          Sign in
        </button>{" "}
        if you have an account.
      </p>
    </form>
  );
}

/** Signs in with a handle and password, inside the frame (no third-party cookie needed). */
export function EmbedSignInForm(
  props: FormState & {
    onSignIn(handle: string, password: string): void;
    onCancel?: () => void;
  },
) {
  return (
    <form
      class="embed-form"
      onSubmit={(e) => props.onSignIn(field(e, "handle"), field(e, "password"))}
    >
      <div class="embed-form__row">
        <div class="field">
          <label for="embed-handle">Handle</label>
          <input
            id="embed-handle"
            name="handle"
            required
            autocomplete="username"
          />
        </div>
        <div class="field">
          <label for="embed-password">Password</label>
          <input
            id="embed-password"
            name="password"
            type="password"
            required
            autocomplete="current-password"
          />
        </div>
        <button
          type="submit"
          class="button button--primary"
          disabled={props.busy}
        >
          Sign in
        </button>
      </div>
      <ErrorLine error={props.error} />
      {props.onCancel && (
        <p class="hint">
          <button type="button" class="link-button" onClick={props.onCancel}>
            Post as a guest instead
          </button>
        </p>
      )}
    </form>
  );
}

/** The message box: Enter sends, Shift+Enter starts a new line. */
export function EmbedComposer(
  props: FormState & { disabled: boolean; onSend(text: string): boolean },
) {
  function submit(form: HTMLFormElement) {
    const box = form.elements.namedItem("text") as HTMLTextAreaElement;
    const text = box.value.trim();
    if (text && props.onSend(text)) box.value = "";
  }
  return (
    <form
      class="embed-composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit(e.currentTarget);
      }}
    >
      <label for="embed-text" class="visually-hidden">Message</label>
      <textarea
        id="embed-text"
        name="text"
        rows={1}
        maxLength={MESSAGE_MAX_CHARS}
        placeholder="Write a message"
        disabled={props.disabled}
        onKeyDown={(e) => {
          if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
          e.preventDefault();
          submit(e.currentTarget.form!);
        }}
      />
      <button
        type="submit"
        class="button button--primary"
        disabled={props.disabled || props.busy}
      >
        Send
      </button>
      <ErrorLine error={props.error} />
    </form>
  );
}
