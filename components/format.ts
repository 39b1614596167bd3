import { parseMarkup, type Token } from "../lib/shared/markup.ts";

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

/** "1 member" / "3 members"; irregular words pass their plural ("1 reply" / "2 replies"). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Category names as shown to people. */
export const CATEGORY_LABELS = {
  social: "Social",
  networking: "Networking",
  event: "Event",
  venue: "Venue",
} as const;

/** A calendar day for the date separators: ISO before hydration, "Today" or a local date after. */
export function formatDay(
  iso: string,
  local: boolean,
  now = Date.now(),
): string {
  if (!local) return iso.slice(0, 10);
  const d = new Date(iso);
  const key = dayKey(iso, true);
  if (key === dayKey(new Date(now).toISOString(), true)) return "Today";
  if (key === dayKey(new Date(now - 86_400_000).toISOString(), true)) {
    return "Yesterday";
  }
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString([], {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(sameYear ? {} : { year: "numeric" }),
  });
}

/** The calendar day of an ISO time, in UTC or in the reader's time zone. */
export function dayKey(iso: string, local: boolean): string {
  if (!local) return iso.slice(0, 10);
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** Up to two initials of a name, for its avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.slice(0, 2).map((w) => [...w][0] ?? "");
  return letters.join("").toUpperCase() || "?";
}

/** Number of avatar colours in the stylesheet. */
export const AVATAR_TONES = 8;

/** A stable avatar colour (0–7) for a user id. */
export function avatarTone(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % AVATAR_TONES;
}

/**
 * Items joined for people, with the words between as strings: ["Ann", " and ", "Ben"], or
 * ["Ann", ", ", "Ben", " and 3 others"] past `max`.
 */
export function joinParts<T>(
  items: T[],
  total = items.length,
  max = 3,
): (T | string)[] {
  const shown = items.slice(0, max);
  const others = total - shown.length;
  const out: (T | string)[] = [];
  shown.forEach((item, i) => {
    if (i > 0) {
      out.push(i === shown.length - 1 && others <= 0 ? " and " : ", ");
    }
    out.push(item);
  });
  if (others > 0) out.push(` and ${plural(others, "other")}`);
  return out;
}

/** Names joined for people: "Ann", "Ann and Ben", "Ann, Ben and 3 others". */
export function joinNames(
  names: string[],
  total = names.length,
  max = 3,
): string {
  return joinParts(names, total, max).join("");
}

/**
 * A message's words without its markup, for one-line previews that must hold no links;
 * `lineBreak` is what a line break becomes (a space by default).
 */
export function plainText(text: string, lineBreak = " "): string {
  const flat = (tokens: Token[]): string =>
    tokens.map((t) => {
      switch (t.kind) {
        case "text":
        case "code":
        case "link":
          return t.text;
        case "mention":
          return `@${t.handle}`;
        case "br":
          return lineBreak;
        default:
          return flat(t.children);
      }
    }).join("");
  return flat(parseMarkup(text));
}
