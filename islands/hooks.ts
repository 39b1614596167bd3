import { useCallback, useEffect, useState } from "preact/hooks";
import type { LocationPanelProps } from "../components/LocationPanel.tsx";
import type { Fix } from "../lib/shared/schemas.ts";
import { formatDistance } from "../components/format.ts";

/** Accuracy, in metres, assumed for a position typed in by hand. */
export const MANUAL_ACCURACY_M = 50;

/** False during server rendering and the hydrating render, true once the island runs. */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** Where the browser's position comes from, and how that went. */
export type PositionStatus =
  | "locating"
  | "located"
  | "manual"
  | "denied"
  | "unavailable";

/** The current fix (or null), its status, a human message, and ways to change it. */
export type PositionState = {
  fix: Fix | null;
  status: PositionStatus;
  message: string;
  locate(): void;
  setManual(lat: number, lng: number): void;
};

/** Asks the browser for its position once mounted; a typed position is the fallback. */
export function usePosition(): PositionState {
  const [state, setState] = useState<
    Omit<PositionState, "locate" | "setManual">
  >(
    { fix: null, status: "locating", message: "Finding your location…" },
  );
  const locate = useCallback(() => {
    if (!("geolocation" in navigator)) {
      setState((s) => ({
        ...s,
        status: "unavailable",
        message: "This browser cannot share its location. Enter it below.",
      }));
      return;
    }
    setState((s) => ({
      ...s,
      status: "locating",
      message: "Finding your location…",
    }));
    navigator.geolocation.getCurrentPosition(
      (p) =>
        setState({
          fix: {
            lat: p.coords.latitude,
            lng: p.coords.longitude,
            accuracy: p.coords.accuracy,
          },
          status: "located",
          message: `Located to within ${formatDistance(p.coords.accuracy)}.`,
        }),
      (err) =>
        setState((s) => ({
          ...s,
          status: err.code === err.PERMISSION_DENIED ? "denied" : "unavailable",
          message: err.code === err.PERMISSION_DENIED
            ? "Location permission was denied. Enter your position below."
            : "Could not find your location. Enter it below or try again.",
        })),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }, []);
  useEffect(locate, [locate]);
  const setManual = useCallback((lat: number, lng: number) =>
    setState({
      fix: { lat, lng, accuracy: MANUAL_ACCURACY_M },
      status: "manual",
      message: "Using the position you entered.",
    }), []);
  return { ...state, locate, setManual };
}

/** The browser's position plus the props that wire a LocationPanel to it. */
export function useLocationPanel(
  hydrated: boolean,
): { pos: PositionState; panel: LocationPanelProps } {
  const pos = usePosition();
  const [manualError, setManualError] = useState("");
  const panel: LocationPanelProps = {
    fix: pos.fix,
    status: pos.status,
    message: pos.message,
    disabled: !hydrated,
    manualError,
    onManual: (lat, lng) => {
      setManualError("");
      pos.setManual(lat, lng);
    },
    onManualError: setManualError,
    onRetry: pos.locate,
  };
  return { pos, panel };
}
