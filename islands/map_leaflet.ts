import { type RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import {
  type LatLng,
  pickedPoint,
  samePoint,
  ZOOM_STEP,
  zoomForRadius,
} from "./map_geo.ts";

/** A room as the map draws it: a centre with its post and read radius. */
export type MapRoom = {
  id: string;
  name: string;
  lat: number;
  lng: number;
  radiusM: number;
  readRadiusM: number;
};

/** What the map shows: the point searched around (a fix or a pick), the search radius, rooms. */
export type MapContent = {
  point: LatLng | null;
  /** Whether the point was picked on the map: the marker says so, and the view stays put. */
  picked: boolean;
  radiusM: number;
  rooms: MapRoom[];
};

/** What the map reports: a point picked by a click, a room's marker clicked. */
export type MapHandlers = {
  onPick(p: LatLng): void;
  onRoom?(id: string): void;
};

/** Whether Leaflet has loaded into the container. */
export type MapStatus = "loading" | "ready" | "failed";

// The few parts of Leaflet's API used here; the package ships no types.
type Point = [number, number];
type Layer = {
  addTo(target: Group | LeafletMap): Layer;
  getElement?(): Element | undefined;
  bindTooltip(content: HTMLElement, opts?: object): Layer;
  on(event: "click", fn: () => void): Layer;
};
type Group = Layer & { clearLayers(): void };
type LeafletMap = {
  setView(center: Point, zoom: number): LeafletMap;
  on(event: "click", fn: (e: { latlng: LatLng }) => void): LeafletMap;
  on(
    event: "keypress",
    fn: (e: { originalEvent: KeyboardEvent }) => void,
  ): LeafletMap;
  getCenter(): LatLng;
  remove(): void;
};
type Leaflet = {
  map(el: HTMLElement, opts: object): LeafletMap;
  tileLayer(url: string, opts: object): Layer;
  layerGroup(): Group;
  circle(at: Point, opts: object): Layer;
  circleMarker(at: Point, opts: object): Layer;
};

/** Leaflet, loaded on first use: it needs a DOM, so the server never evaluates it. */
async function loadLeaflet(): Promise<Leaflet> {
  const mod = await import("leaflet");
  return (mod.default ?? mod) as Leaflet;
}

/** A text-only element for a tooltip: Leaflet would parse a string as HTML. */
function textElement(text: string): HTMLElement {
  const el = document.createElement("span");
  el.textContent = text;
  return el;
}

/** Draws rooms (read radius, post radius, centre), the search circle and the point. */
function draw(L: Leaflet, group: Group, c: MapContent, h: MapHandlers) {
  group.clearLayers();
  const quiet = { interactive: false, weight: 1 };
  for (const r of c.rooms) {
    const at: Point = [r.lat, r.lng];
    L.circle(at, { ...quiet, radius: r.readRadiusM, className: "map-read" })
      .addTo(group);
    L.circle(at, { ...quiet, radius: r.radiusM, className: "map-post" })
      .addTo(group);
    const marker = L.circleMarker(at, {
      radius: 7,
      className: "map-room",
      // A click on a room opens its card instead of picking a point.
      bubblingMouseEvents: false,
    }).addTo(group);
    marker.bindTooltip(textElement(r.name), { direction: "top" });
    marker.on("click", () => h.onRoom?.(r.id));
    marker.getElement?.()?.setAttribute("data-room", r.id);
  }
  if (!c.point) return;
  const at: Point = [c.point.lat, c.point.lng];
  L.circle(at, { ...quiet, radius: c.radiusM, className: "map-search" })
    .addTo(group);
  const point = L.circleMarker(at, {
    interactive: false,
    radius: 8,
    className: c.picked ? "map-point map-point--picked" : "map-point",
  }).addTo(group);
  point.getElement?.()?.setAttribute("data-point", c.picked ? "picked" : "fix");
}

/**
 * Runs a Leaflet map in `ref`'s element: tiles from `tileUrl` (none when null), the content
 * redrawn whenever it changes, a click (or Enter on the focused map: its centre) reported as
 * a picked point.
 */
export function useLeafletMap(
  ref: RefObject<HTMLElement>,
  tileUrl: string | null,
  content: MapContent,
  handlers: MapHandlers,
): MapStatus {
  const [status, setStatus] = useState<MapStatus>("loading");
  const live = useRef<{ L: Leaflet; map: LeafletMap; group: Group } | null>(
    null,
  );
  const on = useRef(handlers);
  on.current = handlers;
  // Where the view was last put, so a pick does not move the map under the pointer.
  const view = useRef<{ point: LatLng | null; radiusM: number } | null>(null);

  useEffect(() => {
    let cancelled = false;
    loadLeaflet().then((L) => {
      if (cancelled || !ref.current) return;
      const map = L.map(ref.current, {
        attributionControl: false,
        worldCopyJump: true,
        zoomSnap: ZOOM_STEP,
      }).setView([20, 0], 2);
      if (tileUrl) {
        L.tileLayer(tileUrl, { maxZoom: 19, className: "map-tiles" })
          .addTo(map);
      }
      const group = L.layerGroup();
      group.addTo(map);
      const pick = (at: LatLng) => {
        const p = pickedPoint(at.lat, at.lng);
        view.current = { point: p, radiusM: view.current?.radiusM ?? 0 };
        on.current.onPick(p);
      };
      map.on("click", (e) => pick(e.latlng));
      // From the keyboard: arrows pan (Leaflet's own), Enter picks the centre.
      map.on("keypress", (e) => {
        if (e.originalEvent.key === "Enter") pick(map.getCenter());
      });
      live.current = { L, map, group };
      setStatus("ready");
    }).catch(() => !cancelled && setStatus("failed"));
    return () => {
      cancelled = true;
      live.current?.map.remove();
      live.current = null;
    };
  }, [tileUrl]);

  useEffect(() => {
    const m = live.current;
    if (!m) return;
    const { point, radiusM } = content;
    const last = view.current;
    if (
      point &&
      !(samePoint(last?.point ?? null, point) && last?.radiusM === radiusM)
    ) {
      m.map.setView([point.lat, point.lng], zoomForRadius(radiusM, point.lat));
    }
    view.current = { point, radiusM };
    draw(m.L, m.group, content, on.current);
  }, [status, content.point, content.picked, content.radiusM, content.rooms]);

  return status;
}
