import { useEffect, useState } from "preact/hooks";
import * as z from "zod";
import CreateRoomForm, { type NewRoom } from "../components/CreateRoomForm.tsx";
import LocationPanel from "../components/LocationPanel.tsx";
import RoomCard from "../components/RoomCard.tsx";
import { formatDistance } from "../components/format.ts";
import {
  NEARBY_RADII_M,
  type NearbyRoomsProps,
} from "../lib/shared/island_props.ts";
import {
  type NearbyRoomView,
  NearbyRoomViewSchema,
  RoomViewSchema,
} from "../lib/shared/schemas.ts";
import { apiJson } from "./api_client.ts";
import { useHydrated, useLocationPanel } from "./hooks.ts";

const NearbyListSchema = z.object({ items: z.array(NearbyRoomViewSchema) });

/** Finds rooms around the browser's position, joins one, or creates one here. */
export default function NearbyRooms(props: NearbyRoomsProps) {
  const hydrated = useHydrated();
  const { pos, panel } = useLocationPanel(hydrated);
  const [radius, setRadius] = useState(props.radiusM);
  const [rooms, setRooms] = useState<NearbyRoomView[] | null>(null);
  const [listError, setListError] = useState("");
  const [joining, setJoining] = useState<string | null>(null);
  const [joinErrors, setJoinErrors] = useState<Record<string, string>>({});
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState("");
  const fix = pos.fix;

  useEffect(() => {
    if (!fix) return;
    let current = true;
    const q = new URLSearchParams({
      lat: String(fix.lat),
      lng: String(fix.lng),
      radius: String(radius),
      limit: "50",
    });
    apiJson(`/rooms/nearby?${q}`, NearbyListSchema).then((r) => {
      if (!current) return;
      setListError(r.ok ? "" : r.message);
      if (r.ok) setRooms(r.data.items);
    });
    return () => void (current = false);
  }, [fix, radius]);

  async function join(id: string) {
    if (!fix) return;
    setJoining(id);
    const r = await apiJson(`/rooms/${id}/join`, RoomViewSchema, { body: fix });
    if (r.ok) return location.assign(`/rooms/${id}`);
    setJoining(null);
    setJoinErrors((errors) => ({ ...errors, [id]: r.message }));
  }

  async function create(room: NewRoom) {
    if (!fix) return;
    setCreating(true);
    const body = { ...room, lat: fix.lat, lng: fix.lng };
    const r = await apiJson("/rooms", RoomViewSchema, { body });
    if (r.ok) return location.assign(`/rooms/${r.data.id}`);
    setCreating(false);
    setCreateError(r.message);
  }

  return (
    <div class="stack">
      <LocationPanel {...panel} />
      <section
        aria-labelledby="nearby-heading"
        aria-busy={fix !== null && rooms === null}
      >
        <div class="section-head">
          <h2 id="nearby-heading">Rooms near you</h2>
          <div class="field field--inline">
            <label for="radius">Within</label>
            <select
              id="radius"
              value={String(radius)}
              disabled={!hydrated}
              onChange={(e) => setRadius(Number(e.currentTarget.value))}
            >
              {NEARBY_RADII_M.map((r) => (
                <option value={String(r)}>{formatDistance(r)}</option>
              ))}
            </select>
          </div>
        </div>
        {listError && <p class="form-error" role="alert">{listError}</p>}
        {!fix && (
          <p class="muted">Rooms appear here once your position is known.</p>
        )}
        {fix && rooms?.length === 0 && (
          <p class="muted">
            No rooms within {formatDistance(radius)}. Create one below.
          </p>
        )}
        {rooms && rooms.length > 0 && (
          <ul class="room-list">
            {rooms.map((room) => (
              <RoomCard
                key={room.id}
                room={room}
                busy={joining === room.id}
                disabled={!hydrated || joining !== null}
                error={joinErrors[room.id]}
                onJoin={join}
              />
            ))}
          </ul>
        )}
      </section>
      <CreateRoomForm
        disabled={!hydrated || !fix}
        busy={creating}
        error={createError}
        onCreate={create}
      />
    </div>
  );
}
