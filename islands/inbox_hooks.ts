import { useEffect, useState } from "preact/hooks";

/** How often relative times ("5 min ago") are brought up to date. */
export const CLOCK_TICK_MS = 60_000;

/** Screens at least this wide show the inbox as a column beside the chat. */
export const SIDEBAR_QUERY = "(min-width: 64rem)";

/** The time now, renewed every CLOCK_TICK_MS so relative times move on. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * Whether a media query matches; false on the server and in the hydrating render, so both
 * print the same markup.
 */
export function useMedia(query: string): boolean {
  const [matches, setMatches] = useState(false);
  useEffect(() => {
    const list = matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener("change", update);
    return () => list.removeEventListener("change", update);
  }, [query]);
  return matches;
}
