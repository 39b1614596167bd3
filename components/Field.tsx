import type { JSX } from "preact";

/** A labelled input with its hint and error, wired up for assistive technology. */
export type FieldProps = JSX.InputHTMLAttributes<HTMLInputElement> & {
  id: string;
  label: string;
  hint?: string;
  error?: string;
};

/** One form field: label, input, optional hint and error message. */
export default function Field(
  { id, label, hint, error, ...input }: FieldProps,
) {
  const described = [hint && `${id}-hint`, error && `${id}-error`]
    .filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
      {hint && <p id={`${id}-hint`} class="hint">{hint}</p>}
      {error && <p id={`${id}-error`} class="field-error">{error}</p>}
    </div>
  );
}
