import { useState } from "preact/hooks";
import LocationPanel from "../components/LocationPanel.tsx";
import { formatDistance } from "../components/format.ts";
import type { JoinRoomProps } from "../lib/shared/island_props.ts";
import { RoomViewSchema } from "../lib/shared/schemas.ts";
import { apiJson } from "./api_client.ts";
import { useHydrated, useLocationPanel } from "./hooks.ts";

/** Lets a non-member join a room from inside its radius, then reloads into the chat. */
export default function JoinRoom(props: JoinRoomProps) {
  const hydrated = useHydrated();
  const { pos, panel } = useLocationPanel(hydrated);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  async function join() {
    if (!pos.fix) return;
    setBusy(true);
    setError("");
    const r = await apiJson(`/rooms/${props.roomId}/join`, RoomViewSchema, {
      body: pos.fix,
    });
    if (r.ok) return location.reload();
    setBusy(false);
    setError(r.message);
  }

  return (
    <div class="stack">
      <p>
        You are not in this room yet. You can join from within{" "}
        {formatDistance(props.radiusM)} of its centre.
      </p>
      <LocationPanel {...panel} />
      <button
        type="button"
        class="button button--primary"
        onClick={join}
        disabled={!hydrated || !pos.fix || busy}
      >
        {busy ? "Joining…" : `Join ${props.roomName}`}
      </button>
      {error && <p class="form-error" role="alert">{error}</p>}
    </div>
  );
}
