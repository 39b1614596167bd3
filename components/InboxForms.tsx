import type { JSX } from "preact";
import Field from "./Field.tsx";

/** Props shared by the two "start something" forms. */
export type StartFormProps = {
  busy: boolean;
  disabled: boolean;
  /** The API's answer to the last attempt, in words. */
  error: string;
};

/** The text of a named field of a submitted form. */
function field(e: JSX.TargetedSubmitEvent<HTMLFormElement>, name: string) {
  return String(new FormData(e.currentTarget).get(name) ?? "").trim();
}

/** "New message": a handle, then the conversation with that person. */
export function NewMessageForm(
  props: StartFormProps & { onStart(handle: string): void },
) {
  return (
    <details class="inbox-new" open={!!props.error || undefined}>
      <summary>New message</summary>
      <form
        class="inbox-new__form"
        onSubmit={(e) => {
          e.preventDefault();
          const handle = field(e, "handle").replace(/^@/, "");
          if (handle) props.onStart(handle);
        }}
      >
        <Field
          id="dm-handle"
          name="handle"
          label="Their handle"
          hint="The @handle of someone you share a room with."
          autocomplete="off"
          required
          maxLength={33}
          error={props.error}
        />
        <button
          type="submit"
          class="button button--primary"
          disabled={props.disabled || props.busy}
        >
          {props.busy ? "Opening…" : "Start conversation"}
        </button>
      </form>
    </details>
  );
}

/** "New group": a name and an optional description, then the new group. */
export function NewGroupForm(
  props: StartFormProps & { onCreate(name: string, description: string): void },
) {
  return (
    <details class="inbox-new" open={!!props.error || undefined}>
      <summary>New group</summary>
      <form
        class="inbox-new__form"
        onSubmit={(e) => {
          e.preventDefault();
          const name = field(e, "name");
          if (name) props.onCreate(name, field(e, "description"));
        }}
      >
        <Field
          id="group-name"
          name="name"
          label="Group name"
          required
          maxLength={80}
          error={props.error}
        />
        <div class="field">
          <label for="group-description">Description (optional)</label>
          <textarea
            id="group-description"
            name="description"
            rows={2}
            maxLength={500}
          />
        </div>
        <button
          type="submit"
          class="button button--primary"
          disabled={props.disabled || props.busy}
        >
          {props.busy ? "Creating…" : "Create group"}
        </button>
      </form>
    </details>
  );
}
