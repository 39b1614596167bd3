import { useEffect, useState } from "preact/hooks";
import * as z from "zod";
import {
  type NearbyPersonView,
  NearbyPersonViewSchema,
  type VisibilityView,
  VisibilityViewSchema,
} from "../lib/shared/people_schemas.ts";
import { type Fix, RoomViewSchema } from "../lib/shared/schemas.ts";
import { apiJson } from "./api_client.ts";

const PeopleSchema = z.object({ items: z.array(NearbyPersonViewSchema) });

/** What the opt-in form hands over: what others see, and for how long. */
export type VisibilityChoice = {
  headline: string;
  interests: string[];
  minutes: number;
};

/** My visibility (null: hidden): show myself from a fix, or stop, with the last error. */
export function useVisibility(initial: VisibilityView | null) {
  const [visibility, setVisibility] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  async function run<T>(
    call: Promise<{ ok: true; data: T } | { ok: false; message: string }>,
    then: (data: T) => void,
  ) {
    setBusy(true);
    setError("");
    const r = await call;
    setBusy(false);
    if (r.ok) then(r.data);
    else setError(r.message);
  }
  return {
    visibility,
    busy,
    error,
    setError,
    show(fix: Fix, choice: VisibilityChoice) {
      const body = {
        ...choice,
        lat: fix.lat,
        lng: fix.lng,
        accuracy: fix.accuracy,
      };
      return run(
        apiJson("/me/visibility", VisibilityViewSchema, {
          method: "PUT",
          body,
        }),
        setVisibility,
      );
    },
    hide() {
      return run(
        apiJson("/me/visibility", z.null(), { method: "DELETE" }),
        () => setVisibility(null),
      );
    },
  };
}

/** People visible near the fix within the radius (null until the first answer), refreshed on `again`. */
export function usePeopleNearby(
  fix: Fix | null,
  radiusM: number,
  again: unknown,
) {
  const [people, setPeople] = useState<NearbyPersonView[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    if (!fix) return;
    let current = true;
    const q = new URLSearchParams({
      lat: String(fix.lat),
      lng: String(fix.lng),
      radius: String(radiusM),
    });
    apiJson(`/people/nearby?${q}`, PeopleSchema).then((r) => {
      if (!current) return;
      setError(r.ok ? "" : r.message);
      if (r.ok) setPeople(r.data.items);
    });
    return () => void (current = false);
  }, [fix, radiusM, again]);
  return { people, error };
}

/** Opens (or starts) the direct conversation with someone, then goes to it; errors by handle. */
export function useMessagePerson() {
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  async function message(handle: string) {
    setBusy(handle);
    setErrors(({ [handle]: _, ...rest }) => rest);
    const r = await apiJson("/direct", RoomViewSchema, { body: { handle } });
    if (r.ok) return location.assign(`/rooms/${r.data.id}`);
    setBusy(null);
    setErrors((e) => ({ ...e, [handle]: r.message }));
  }
  return { busy, errors, message };
}
