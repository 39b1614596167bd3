import { VISIBILITY_MINUTES } from "../lib/shared/people_schemas.ts";

/** Radii, in metres, a people search offers (the server rounds to these bounds anyway). */
export const PEOPLE_RADII_M = [200, 500, 1000, 2000, 5000, 10000] as const;

/** How long one may choose to stay visible, in minutes. */
export const VISIBLE_FOR_MINUTES = [15, 30, 60, 120, 240] as const;

/** Most interests one may list, and the longest. */
export const INTERESTS_MAX = { count: 10, chars: 30 } as const;

/**
 * Interests typed as a comma-separated list: trimmed, empty ones dropped, repeats (in any
 * case) kept once; or why the list cannot be sent.
 */
export function parseInterests(
  text: string,
): { interests: string[] } | { error: string } {
  const seen = new Set<string>();
  const interests: string[] = [];
  for (const raw of text.split(",")) {
    const tag = raw.trim();
    if (!tag || seen.has(tag.toLowerCase())) continue;
    if (tag.length > INTERESTS_MAX.chars) {
      return {
        error: `“${
          tag.slice(0, 40)
        }” is too long: at most ${INTERESTS_MAX.chars} characters an interest`,
      };
    }
    seen.add(tag.toLowerCase());
    interests.push(tag);
  }
  if (interests.length > INTERESTS_MAX.count) {
    return { error: `At most ${INTERESTS_MAX.count} interests` };
  }
  return { interests };
}

/** A duration choice, clamped to what the server accepts. */
export function visibleMinutes(value: number): number {
  if (!Number.isFinite(value)) return VISIBILITY_MINUTES.default;
  return Math.min(
    VISIBILITY_MINUTES.max,
    Math.max(VISIBILITY_MINUTES.min, Math.round(value)),
  );
}

/** "Visible until 14:05 (for 25 more minutes)", or that it has lapsed. */
export function visibleUntil(expiresAt: string, now: number, local: boolean) {
  const ms = Date.parse(expiresAt) - now;
  if (!(ms > 0)) return "Your visibility has ended.";
  const left = Math.max(1, Math.round(ms / 60_000));
  const d = new Date(expiresAt);
  const clock = local
    ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : `${d.toISOString().slice(11, 16)} UTC`;
  return `Visible until ${clock} (${left} more minute${left === 1 ? "" : "s"})`;
}
