import { useState } from "preact/hooks";
import * as z from "zod";
import type { ComposerProps } from "../components/Composer.tsx";
import { type Fix, RoomViewSchema } from "../lib/shared/schemas.ts";
import { apiJson } from "./api_client.ts";
import {
  accessOf,
  composerAccess,
  CONFIRM_LABEL,
  geolocationError,
  type OtherNotice,
  type ReadOnlyReason,
} from "./room_access.ts";
import type { PendingSend } from "./room_state.ts";

const LeaseSchema = z.object({ leaseUntil: z.string() });

/** The browser's position now, or why there is none. */
export function currentFix(): Promise<Fix | { error: string }> {
  if (!("geolocation" in navigator)) {
    return Promise.resolve({ error: geolocationError("unsupported") });
  }
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({
          lat: p.coords.latitude,
          lng: p.coords.longitude,
          accuracy: p.coords.accuracy,
        }),
      (err) => resolve({ error: geolocationError(err.code) }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 0 },
    )
  );
}

/**
 * Read-only states (a peek, an ended event) and the lapsed location lease: the composer's
 * note or notice, "Confirm you're still here" (a fresh fix to /confirm, then the refused
 * sends again) and, for someone peeking, joining from where they stand.
 */
export function useRoomAccess(
  room: { roomId: string; readOnly?: ReadOnlyReason },
  state: { pending: PendingSend[] },
  retry: (p: PendingSend) => void,
) {
  const access = accessOf(room.readOnly, state.pending);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  /** Gets a fix and posts it to the room's `verb`; answers whether the server took it. */
  async function prove(verb: "confirm" | "join"): Promise<boolean> {
    setBusy(true);
    setError("");
    const fix = await currentFix();
    const schema: z.ZodType<unknown> = verb === "join"
      ? RoomViewSchema
      : LeaseSchema;
    const r = "error" in fix
      ? { ok: false as const, message: fix.error }
      : await apiJson(`/rooms/${room.roomId}/${verb}`, schema, { body: fix });
    setBusy(false);
    if (!r.ok) setError(r.message);
    return r.ok;
  }

  async function confirm() {
    const sends = access.kind === "stale" ? access.sends : [];
    if (await prove("confirm")) sends.forEach(retry);
  }

  const readOnly = access.kind === "ended" || access.kind === "peek";
  return {
    readOnly,
    /** Read marks are for members: someone peeking sends none. */
    markRead: (mark: (seq: number) => void) =>
      access.kind === "peek" ? () => {} : mark,
    /** The composer's props for this access, given a mute or slow-mode notice. */
    composer(other: OtherNotice): Partial<ComposerProps> {
      const c = composerAccess(access, other);
      const action: ComposerProps["action"] = c.confirm
        ? { label: CONFIRM_LABEL, busy, error, onClick: confirm }
        : access.kind === "peek"
        ? {
          label: "Join this room",
          busy,
          error,
          onClick: async () =>
            void ((await prove("join")) && location.reload()),
        }
        : undefined;
      return {
        readOnlyNote: c.readOnlyNote,
        notice: c.notice,
        locked: c.locked,
        action,
      };
    },
  };
}
