import {
  REPORT_NOTE_MAX,
  type ReportReason,
} from "../lib/shared/moderation_schemas.ts";
import { type Person, personLabel } from "./PersonName.tsx";

/** Reasons as the report form offers them, in the order it lists them. */
export const REASON_LABELS: Record<ReportReason, string> = {
  spam: "Spam",
  harassment: "Harassment or bullying",
  hate: "Hate speech",
  sexual: "Sexual content",
  violence: "Violence or threats",
  self_harm: "Self-harm",
  other: "Something else",
};

/** What is being reported: one message (with its words, to recognise it) or a person. */
export type ReportSubject =
  | { kind: "message"; seq: number; author: Person; excerpt: string }
  | { kind: "user"; id: string; person: Person };

/** Props of the report dialog. */
export type ReportDialogProps = {
  subject: ReportSubject;
  busy: boolean;
  /** The server's refusal of the last attempt, or "". */
  error: string;
  /** Null until sent; then true for a new report, false when an open one already existed. */
  sent: boolean | null;
  onSubmit(reason: ReportReason, note: string): void;
  /** The dialog closed (Cancel, Close or Escape). */
  onClose(): void;
};

/** Opens the dialog as a modal once it is in the document (focus moves into it). */
function showOnce(el: HTMLDialogElement | null) {
  if (!el || el.open) return;
  if (el.isConnected) el.showModal();
  else {
    requestAnimationFrame(() => el.isConnected && !el.open && el.showModal());
  }
}

/** Closes the dialog a button sits in; its close event tells the chat. */
function closeFrom(e: Event) {
  (e.currentTarget as HTMLElement).closest("dialog")?.close();
}

/** The dialog's heading: whom or what the report is about. */
export function reportTitle(s: ReportSubject): string {
  return s.kind === "message"
    ? `Report a message from ${personLabel(s.author)}`
    : `Report ${personLabel(s.person)}`;
}

/**
 * A modal form to report a message or a person to the moderators: a reason and an optional
 * note, then a confirmation of what happened to the report.
 */
export default function ReportDialog(props: ReportDialogProps) {
  const { subject } = props;
  function submit(e: Event) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const reason = String(data.get("reason") ?? "") as ReportReason;
    if (!(reason in REASON_LABELS)) return;
    props.onSubmit(reason, String(data.get("note") ?? ""));
  }
  return (
    <dialog
      class="report-dialog"
      aria-labelledby="report-heading"
      ref={showOnce}
      onClose={props.onClose}
    >
      <h2 id="report-heading">{reportTitle(subject)}</h2>
      {subject.kind === "message" && (
        <blockquote class="report-dialog__quote">{subject.excerpt}</blockquote>
      )}
      {props.sent !== null
        ? (
          <div class="report-dialog__done">
            <p role="status">
              {props.sent
                ? "Thank you. Your report was sent to the moderators."
                : "You already reported this. Your report is still open with the moderators."}
            </p>
            <button
              type="button"
              class="button button--primary"
              onClick={closeFrom}
            >
              Close
            </button>
          </div>
        )
        : (
          <form class="report-dialog__form" onSubmit={submit}>
            <div class="field">
              <label for="report-reason">Reason</label>
              <select id="report-reason" name="reason" required>
                <option value="">Choose a reason</option>
                {Object.entries(REASON_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>{label}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="report-note">Note (optional)</label>
              <textarea
                id="report-note"
                name="note"
                rows={3}
                maxLength={REPORT_NOTE_MAX}
                aria-describedby="report-note-hint"
              />
              <p id="report-note-hint" class="hint">
                What happened, for the moderators. They see who reported it; the
                person you report does not.
              </p>
            </div>
            {props.error && (
              <p class="field-error" role="alert">{props.error}</p>
            )}
            <div class="actions">
              <button
                type="submit"
                class="button button--primary"
                disabled={props.busy}
              >
                {props.busy ? "Sending…" : "Send report"}
              </button>
              <button type="button" class="button" onClick={closeFrom}>
                Cancel
              </button>
            </div>
          </form>
        )}
    </dialog>
  );
}
