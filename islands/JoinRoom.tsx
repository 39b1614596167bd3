import { useState } from "preact/hooks";
import CheckInForm from "../components/CheckInForm.tsx";
import LocationPanel from "../components/LocationPanel.tsx";
import { formatDistance } from "../components/format.ts";
import type { JoinRoomProps } from "../lib/shared/island_props.ts";
import { RoomViewSchema } from "../lib/shared/schemas.ts";
import { apiJson } from "./api_client.ts";
import { useHydrated, useLocationPanel } from "./hooks.ts";
import { refusalText } from "./room_access.ts";

type Step = "join" | "peek" | "checkin";

/**
 * Lets a non-member join a room from inside its radius, peek (read only) from inside its
 * read radius, or check in with the venue's code; then reloads into the chat.
 */
export default function JoinRoom(props: JoinRoomProps) {
  const hydrated = useHydrated();
  const { pos, panel } = useLocationPanel(hydrated);
  const [busy, setBusy] = useState<Step | null>(null);
  const [error, setError] = useState<{ step: Step; text: string } | null>(null);
  const read = props.readRadiusM ?? props.radiusM;
  const canPeek = read > props.radiusM;

  async function go(step: Step, body: unknown) {
    setBusy(step);
    setError(null);
    const r = await apiJson(`/rooms/${props.roomId}/${step}`, RoomViewSchema, {
      body,
    });
    if (r.ok) return location.reload();
    setBusy(null);
    setError({ step, text: refusalText(r.code, r.message, step, canPeek) });
  }
  const errorOf = (step: Step) =>
    error?.step === step && <p class="form-error" role="alert">{error.text}</p>;
  const located = hydrated && pos.fix !== null && busy === null;

  return (
    <div class="stack">
      <p>
        You are not in this room yet. You can join from within{" "}
        {formatDistance(props.radiusM)} of its centre
        {canPeek
          ? `, and read it without joining from within ${formatDistance(read)}.`
          : "."}
      </p>
      <LocationPanel {...panel} />
      <div class="actions">
        <button
          type="button"
          class="button button--primary"
          onClick={() => go("join", pos.fix)}
          disabled={!located}
        >
          {busy === "join" ? "Joining…" : `Join ${props.roomName}`}
        </button>
        {canPeek && (
          <button
            type="button"
            class="button"
            onClick={() => go("peek", pos.fix)}
            disabled={!located}
          >
            {busy === "peek" ? "Opening…" : "Peek"}
          </button>
        )}
      </div>
      {errorOf("join")}
      {errorOf("peek")}
      <CheckInForm
        disabled={!hydrated || busy !== null}
        busy={busy === "checkin"}
        error={error?.step === "checkin" ? error.text : undefined}
        onCheckIn={(code) => go("checkin", { code })}
      />
    </div>
  );
}
