import { useRef, useState } from "preact/hooks";
import CreateRoomForm from "../components/CreateRoomForm.tsx";
import LocationPanel from "../components/LocationPanel.tsx";
import MapPanel from "../components/MapPanel.tsx";
import RoomCard from "../components/RoomCard.tsx";
import { formatDistance } from "../components/format.ts";
import {
  NEARBY_RADII_M,
  type NearbyRoomsProps,
} from "../lib/shared/island_props.ts";
import { useHydrated, useLocationPanel } from "./hooks.ts";
import { type LatLng, samePoint, tileCredit } from "./map_geo.ts";
import { useLeafletMap } from "./map_leaflet.ts";
import { useCreateRoom, useNearbyRooms, useRoomVisits } from "./map_nearby.ts";

/**
 * Finds rooms around the browser's position or a point picked on the map, shows them on the
 * map and in a list (the keyboard's way through them), joins or peeks into one, or creates one.
 */
export default function NearbyRooms(props: NearbyRoomsProps) {
  const hydrated = useHydrated();
  const { pos, panel } = useLocationPanel(hydrated);
  const [radius, setRadius] = useState(props.radiusM);
  const [picked, setPicked] = useState<LatLng | null>(null);
  const fix = pos.fix;
  // A pick is the position in use until the browser's or a typed one replaces it.
  const fromMap = pos.status === "manual" && fix !== null &&
    samePoint(picked, { lat: fix.lat, lng: fix.lng });
  const { rooms, error: listError } = useNearbyRooms(fix, radius);
  const visits = useRoomVisits(fix);
  const creating = useCreateRoom(fix, fromMap ? "map" : "here");
  const mapRef = useRef<HTMLDivElement>(null);
  const mapStatus = useLeafletMap(
    mapRef,
    props.tileUrl ?? null,
    { point: fix, picked: fromMap, radiusM: radius, rooms: rooms ?? [] },
    {
      onPick(p) {
        setPicked(p);
        panel.onManual(p.lat, p.lng);
      },
      onRoom: (id) => document.getElementById(`room-${id}`)?.focus(),
    },
  );

  return (
    <div class="stack">
      <LocationPanel
        {...panel}
        message={fromMap ? "Using the point picked on the map." : panel.message}
      />
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
        <div class="nearby">
          <MapPanel
            mapRef={mapRef}
            label="Map of rooms near the searched point"
            hint="Click or tap the map (or focus it, move with the arrow keys and press Enter) to search around that point and create a room there. Every room is also in the list."
            status={mapStatus}
            credit={tileCredit(props.tileUrl)}
          />
          <div class="nearby__list">
            {listError && <p class="form-error" role="alert">{listError}</p>}
            {!fix && (
              <p class="muted">
                Rooms appear here once your position is known, or pick a point
                on the map.
              </p>
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
                    busy={visits.busy?.id === room.id ? visits.busy.what : null}
                    disabled={!hydrated || visits.busy !== undefined}
                    error={visits.errors[room.id]}
                    onJoin={visits.join}
                    onPeek={visits.peek}
                  />
                ))}
              </ul>
            )}
          </div>
        </div>
      </section>
      <CreateRoomForm
        disabled={!hydrated || !fix}
        busy={creating.busy}
        error={creating.error}
        placement={fromMap ? "map" : "here"}
        onCreate={creating.create}
      />
    </div>
  );
}
