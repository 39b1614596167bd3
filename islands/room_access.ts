import type { PendingSend } from "./room_state.ts";

/** Why the viewer may only read: peeking from nearby, or an event that has ended. */
export type ReadOnlyReason = "peek" | "ended";

/** What stands between the viewer and posting, most lasting first. */
export type Access =
  | { kind: "ended" }
  | { kind: "peek" }
  /** A member whose location lease lapsed: confirming it lets the refused sends go again. */
  | { kind: "stale"; sends: PendingSend[] }
  | { kind: "open" };

/** The sentence shown instead of the composer in an ended event room. */
export const ENDED_NOTE = "This event has ended — the room is read-only";

/** The sentence shown instead of the composer to someone peeking from nearby. */
export const PEEK_NOTE = "Reading from nearby — come closer to join";

/** The notice above the composer when the location lease lapsed. */
export const STALE_NOTICE =
  "Your location check has lapsed, so your message was not sent. Confirm you're still here to post it.";

/** The button that renews the lease. */
export const CONFIRM_LABEL = "Confirm you're still here";

/**
 * Where the viewer stands, from how the page was rendered and the sends the server refused:
 * `room_ended` means the event ended while the chat was open, `location_stale` that the
 * lease lapsed.
 */
export function accessOf(
  readOnly: ReadOnlyReason | undefined,
  pending: PendingSend[],
): Access {
  const failed = (code: string) =>
    pending.filter((p) => p.state === "failed" && p.code === code);
  if (readOnly === "ended" || failed("room_ended").length) {
    return { kind: "ended" };
  }
  if (readOnly === "peek") return { kind: "peek" };
  const sends = failed("location_stale");
  return sends.length ? { kind: "stale", sends } : { kind: "open" };
}

/** A notice from elsewhere (a mute, slow mode) that the composer may show. */
export type OtherNotice = { text: string; locked: boolean } | null | undefined;

/** What the composer shows for an access: a read-only note, or a notice with a confirm step. */
export type ComposerAccess = {
  readOnlyNote?: string;
  notice?: string;
  locked?: boolean;
  /** Offer the step that renews the lease. */
  confirm?: boolean;
};

/**
 * The composer's state: read-only notes win; a lock (a mute, the raid shield) outranks the
 * lapsed lease, which outranks an informational notice (slow mode).
 */
export function composerAccess(a: Access, other: OtherNotice): ComposerAccess {
  if (a.kind === "ended") return { readOnlyNote: ENDED_NOTE };
  if (a.kind === "peek") return { readOnlyNote: PEEK_NOTE };
  if (other?.locked) return { notice: other.text, locked: true };
  if (a.kind === "stale") return { notice: STALE_NOTICE, confirm: true };
  return other ? { notice: other.text, locked: false } : {};
}

/** The message for a location that could not be had, by the browser's error code. */
export function geolocationError(code: number | "unsupported"): string {
  if (code === "unsupported") {
    return "This browser cannot share its location.";
  }
  // 1 is PERMISSION_DENIED in the Geolocation API.
  return code === 1
    ? "Location permission was denied: allow it for this site to confirm where you are."
    : "Could not find your location. Try again.";
}

/**
 * A refused join, peek or check-in as a person should read it: the server's own reason
 * (an implausible jump, an exclusion zone, a wrong code), and for a join from outside the
 * radius of a room with a wider read radius, the way that is left.
 */
export function refusalText(
  code: string,
  message: string,
  step: "join" | "peek" | "checkin",
  canPeek: boolean,
): string {
  if (code === "room_ended") return `${ENDED_NOTE}.`;
  if (step === "join" && code === "out_of_range" && canPeek) {
    return `${message}. Within its read radius you can still peek.`;
  }
  return message;
}

/**
 * How long a check-in screen waits before fetching the code again: just past the time the
 * server said it changes (1–30 s, whatever this device's clock says), or 5 s after a failure.
 */
export function nextRefreshMs(
  rotatesAt: string,
  now: number,
  failed: boolean,
): number {
  if (failed) return 5_000;
  const at = Date.parse(rotatesAt);
  if (Number.isNaN(at)) return 30_000;
  return Math.min(30_000, Math.max(1_000, at - now + 300));
}
