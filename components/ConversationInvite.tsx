/** Props of the "Add people" form of a group. */
export type ConversationInviteProps = {
  disabled: boolean;
  /** Adds someone by handle; resolves true when they were added (the box then empties). */
  onAdd(handle: string): Promise<boolean>;
};

/** Adds someone to a group by their @handle (owners and admins). */
export default function ConversationInvite(props: ConversationInviteProps) {
  async function submit(form: HTMLFormElement) {
    const box = form.elements.namedItem("handle") as HTMLInputElement;
    const handle = box.value.trim().replace(/^@/, "");
    if (!handle) return;
    if (await props.onAdd(handle)) box.value = "";
    box.focus();
  }
  return (
    <form
      class="invite"
      aria-label="Add people"
      onSubmit={(e) => {
        e.preventDefault();
        submit(e.currentTarget);
      }}
    >
      <label for="invite-handle">Add people by handle</label>
      <div class="invite__row">
        <input
          id="invite-handle"
          name="handle"
          autoComplete="off"
          autoCapitalize="none"
          spellcheck={false}
          required
          maxLength={33}
          placeholder="@handle"
          disabled={props.disabled}
        />
        <button
          type="submit"
          class="button button--small button--primary"
          disabled={props.disabled}
        >
          Add
        </button>
      </div>
    </form>
  );
}
