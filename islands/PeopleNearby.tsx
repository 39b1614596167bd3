import { useEffect, useRef, useState } from "preact/hooks";
import LocationPanel from "../components/LocationPanel.tsx";
import MapPanel from "../components/MapPanel.tsx";
import PeopleList from "../components/PeopleList.tsx";
import PeopleVisibility, {
  type VisibilityForm,
} from "../components/PeopleVisibility.tsx";
import { formatDistance } from "../components/format.ts";
import type { PeopleNearbyProps } from "../lib/shared/island_props.ts";
import { useHydrated, useLocationPanel } from "./hooks.ts";
import { type LatLng, samePoint, tileCredit } from "./map_geo.ts";
import { type MapRoom, useLeafletMap } from "./map_leaflet.ts";
import {
  useMessagePerson,
  usePeopleNearby,
  useVisibility,
} from "./people_api.ts";
import {
  parseInterests,
  PEOPLE_RADII_M,
  VISIBLE_FOR_MINUTES,
  visibleMinutes,
  visibleUntil,
} from "./people_format.ts";

const NO_ROOMS: MapRoom[] = [];

/** The time, taken afresh when `what` changes and every 15 s while it is set. */
function useNow(what: unknown): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!what) return;
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, [what]);
  return now;
}

/**
 * "People nearby": opt in with a headline, interests and a duration from the browser's
 * position or a point picked on the map, see until when, stop; list who else is visible
 * around that point by rough distance, and message them.
 */
export default function PeopleNearby(props: PeopleNearbyProps) {
  const hydrated = useHydrated();
  const { pos, panel } = useLocationPanel(hydrated);
  const [picked, setPicked] = useState<LatLng | null>(null);
  const [radius, setRadius] = useState(2000);
  const fix = pos.fix;
  const fromMap = pos.status === "manual" && fix !== null &&
    samePoint(picked, { lat: fix.lat, lng: fix.lng });
  const vis = useVisibility(props.visibility);
  const now = useNow(vis.visibility);
  const visible = vis.visibility && Date.parse(vis.visibility.expiresAt) > now
    ? vis.visibility
    : null;
  const found = usePeopleNearby(fix, radius, vis.visibility);
  const messaging = useMessagePerson();
  const mapRef = useRef<HTMLDivElement>(null);
  const mapStatus = useLeafletMap(
    mapRef,
    props.tileUrl,
    { point: fix, picked: fromMap, radiusM: radius, rooms: NO_ROOMS },
    {
      onPick(p) {
        setPicked(p);
        panel.onManual(p.lat, p.lng);
      },
    },
  );

  function show(form: VisibilityForm) {
    if (!fix) return;
    const parsed = parseInterests(form.interests);
    if ("error" in parsed) return vis.setError(parsed.error);
    vis.show(fix, {
      headline: form.headline,
      interests: parsed.interests,
      minutes: visibleMinutes(form.minutes),
    });
  }

  return (
    <div class="stack">
      <LocationPanel
        {...panel}
        message={fromMap ? "Using the point picked on the map." : panel.message}
      />
      <PeopleVisibility
        visibility={visible}
        until={visible ? visibleUntil(visible.expiresAt, now, hydrated) : ""}
        durations={VISIBLE_FOR_MINUTES}
        disabled={!hydrated || !fix}
        busy={vis.busy}
        error={vis.error}
        onShow={show}
        onHide={vis.hide}
      />
      <section aria-labelledby="people-heading" class="stack">
        <div class="section-head">
          <h2 id="people-heading">People near you</h2>
          <div class="field field--inline">
            <label for="people-radius">Within</label>
            <select
              id="people-radius"
              value={String(radius)}
              disabled={!hydrated}
              onChange={(e) => setRadius(Number(e.currentTarget.value))}
            >
              {PEOPLE_RADII_M.map((r) => (
                <option value={String(r)}>{formatDistance(r)}</option>
              ))}
            </select>
          </div>
        </div>
        <MapPanel
          mapRef={mapRef}
          label="Map of the point people are searched around"
          hint="Click or tap the map (or focus it, move with the arrow keys and press Enter) to search around that point, or to become visible there. The list has everyone found."
          status={mapStatus}
          credit={tileCredit(props.tileUrl)}
        />
        {found.error && <p class="form-error" role="alert">{found.error}</p>}
        {!fix && (
          <p class="muted">
            People appear here once your position is known, or pick a point on
            the map.
          </p>
        )}
        {fix && found.people?.length === 0 && (
          <p class="muted">
            Nobody is visible within {formatDistance(radius)} right now.
          </p>
        )}
        {found.people && found.people.length > 0 && (
          <PeopleList
            people={found.people}
            busy={messaging.busy}
            disabled={!hydrated}
            errors={messaging.errors}
            onMessage={messaging.message}
          />
        )}
      </section>
    </div>
  );
}
