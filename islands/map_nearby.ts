import { useEffect, useState } from "preact/hooks";
import * as z from "zod";
import type { NewRoom } from "../components/CreateRoomForm.tsx";
import {
  type Fix,
  type NearbyRoomView,
  NearbyRoomViewSchema,
  RoomViewSchema,
} from "../lib/shared/schemas.ts";
import { apiJson } from "./api_client.ts";

const NearbyListSchema = z.object({ items: z.array(NearbyRoomViewSchema) });

/** How many rooms one nearby search asks for. */
export const NEARBY_LIMIT = 50;

/** The nearby-rooms query for a point and radius. */
export function nearbyQuery(fix: Fix, radiusM: number): string {
  const q = new URLSearchParams({
    lat: String(fix.lat),
    lng: String(fix.lng),
    radius: String(radiusM),
    limit: String(NEARBY_LIMIT),
  });
  return `/rooms/nearby?${q}`;
}

/** Rooms around the point (null until the first answer) and the last search's error. */
export function useNearbyRooms(fix: Fix | null, radiusM: number) {
  const [rooms, setRooms] = useState<NearbyRoomView[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    if (!fix) return;
    let current = true;
    apiJson(nearbyQuery(fix, radiusM), NearbyListSchema).then((r) => {
      if (!current) return;
      setError(r.ok ? "" : r.message);
      if (r.ok) setRooms(r.data.items);
    });
    return () => void (current = false);
  }, [fix, radiusM]);
  return { rooms, error };
}

/** Joining or peeking into a listed room from the fix, then opening it; errors per room. */
export function useRoomVisits(fix: Fix | null) {
  const [busy, setBusy] = useState<{ id: string; what: "join" | "peek" }>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  async function visit(id: string, what: "join" | "peek") {
    if (!fix) return;
    setBusy({ id, what });
    setErrors(({ [id]: _, ...rest }) => rest);
    const r = await apiJson(`/rooms/${id}/${what}`, RoomViewSchema, {
      body: fix,
    });
    if (r.ok) return location.assign(`/rooms/${id}`);
    setBusy(undefined);
    setErrors((e) => ({ ...e, [id]: r.message }));
  }
  return {
    busy,
    errors,
    join: (id: string) => visit(id, "join"),
    peek: (id: string) => visit(id, "peek"),
  };
}

/** Creating a room at the fix ("here", on the public grid) or at a picked point ("map"). */
export function useCreateRoom(fix: Fix | null, placement: "here" | "map") {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  async function create(room: NewRoom) {
    if (!fix) return;
    setBusy(true);
    const body = { ...room, lat: fix.lat, lng: fix.lng, placement };
    const r = await apiJson("/rooms", RoomViewSchema, { body });
    if (r.ok) return location.assign(`/rooms/${r.data.id}`);
    setBusy(false);
    setError(r.message);
  }
  return { busy, error, create };
}
