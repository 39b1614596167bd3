import type { RefObject } from "preact";

/** What the map panel shows around the map itself. */
export type MapPanelProps = {
  /** The element Leaflet draws into. */
  mapRef: RefObject<HTMLDivElement>;
  /** Names what the map shows, for screen readers ("Map of rooms near you"). */
  label: string;
  /** How to use it, and where the accessible alternative is. */
  hint: string;
  status: "loading" | "ready" | "failed";
  /** The tile server's credit; null without tiles. */
  credit: { text: string; href: string | null } | null;
};

/**
 * A map area for Leaflet, with its stylesheet (served from this site), a usage hint and the
 * tiles' credit. Leaflet fills the inner element; Preact never renders into it.
 */
export default function MapPanel(props: MapPanelProps) {
  return (
    <div class="map-panel">
      <link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css" />
      <div
        ref={props.mapRef}
        class="map"
        role="region"
        aria-label={props.label}
        aria-describedby="map-hint"
      />
      <p id="map-hint" class="map-panel__hint hint">
        {props.status === "failed"
          ? "The map could not be loaded. The list has every room."
          : props.hint}
      </p>
      {props.credit && (
        <p class="map-panel__credit">
          {props.credit.href
            ? <a href={props.credit.href}>{props.credit.text}</a>
            : props.credit.text}
        </p>
      )}
    </div>
  );
}
