import type { AuthorView } from "../lib/shared/schemas.ts";
import PersonName from "./PersonName.tsx";

/** Props of the notes above the composer of a conversation. */
export type ConversationRequestProps = {
  /** An open direct message request: received (answer it) or sent (waiting), or null. */
  request: "incoming" | "outgoing" | null;
  /** The other person of the conversation, when known. */
  peer: AuthorView | null;
  /** Why answering the request failed, or "". */
  error: string;
  /** Why the server refused the last message for good (a pending request, a block), or "". */
  refusal: string;
  disabled: boolean;
  onAccept(): void;
  onDecline(): void;
};

function Incoming(props: ConversationRequestProps) {
  return (
    <section class="request" aria-label="Message request">
      <p class="request__text">
        {props.peer ? <PersonName person={props.peer} /> : "Someone"}{" "}
        wants to message you.
      </p>
      <div class="request__buttons">
        <button
          type="button"
          class="button button--small button--primary"
          disabled={props.disabled}
          onClick={props.onAccept}
        >
          Accept
        </button>
        <button
          type="button"
          class="button button--small"
          disabled={props.disabled}
          onClick={props.onDecline}
        >
          Decline
        </button>
      </div>
      {props.error && (
        <p class="field-error request__error" role="alert">{props.error}</p>
      )}
    </section>
  );
}

/**
 * Above the composer: a request the viewer received (Accept / Decline), the note that the
 * viewer's own request allows one message, and why a message was refused for good.
 */
export default function ConversationRequest(props: ConversationRequestProps) {
  return (
    <>
      {props.request === "incoming" && <Incoming {...props} />}
      {props.request === "outgoing" && (
        <p class="request request--outgoing">
          Message request sent — you can send one message until they accept.
        </p>
      )}
      {props.refusal && (
        <p class="request__refusal" role="alert">
          {`Not sent: ${props.refusal}`}
        </p>
      )}
    </>
  );
}
