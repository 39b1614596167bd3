/** What the venue's check-in screen shows. */
export type CheckInCodeProps = {
  roomName: string;
  roomUrl: string;
  code: string;
  /** Why the code could not be renewed, if it could not. */
  error?: string;
  /** Offered once the page runs: fills the screen with the code. */
  onFullScreen?: () => void;
};

/**
 * A venue's check-in screen: the room's address and, large, the code visitors type to join
 * without sharing their location; screen readers hear each new code.
 */
export default function CheckInCode(props: CheckInCodeProps) {
  return (
    <section class="checkin-screen" aria-labelledby="checkin-screen-heading">
      <h1 id="checkin-screen-heading">Check in to {props.roomName}</h1>
      <p class="checkin-screen__how">
        Open <span class="checkin-screen__url">{props.roomUrl}</span>{" "}
        and enter this code under “Check in with a code”:
      </p>
      <p
        class="checkin-screen__code"
        aria-live="polite"
        aria-atomic="true"
        data-checkin-code
      >
        {props.code}
      </p>
      <p class="muted">The code changes every 30 seconds.</p>
      {props.error && <p class="form-error" role="alert">{props.error}</p>}
      {props.onFullScreen && (
        <button type="button" class="button" onClick={props.onFullScreen}>
          Full screen
        </button>
      )}
    </section>
  );
}
