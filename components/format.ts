/** A distance for people: "120 m" below a kilometre, "2.3 km" below ten, then "12 km". */
export function formatDistance(metres: number): string {
  if (metres < 1000) return `${Math.round(metres)} m`;
  const km = metres / 1000;
  return km < 10 ? `${km.toFixed(1)} km` : `${Math.round(km)} km`;
}

/** How long ago an ISO time was, coarsely: "just now", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(iso: string | null, now = Date.now()): string {
  if (!iso) return "no messages yet";
  const s = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/**
 * A message time as HH:MM. Before hydration it is UTC (server and browser must render the
 * same text); afterwards it is the reader's local time.
 */
export function formatClock(iso: string, local: boolean): string {
  const d = new Date(iso);
  if (!local) return `${d.toISOString().slice(11, 16)} UTC`;
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** "1 member" / "3 members". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Category names as shown to people. */
export const CATEGORY_LABELS = {
  social: "Social",
  networking: "Networking",
  event: "Event",
  venue: "Venue",
} as const;
