/** Counts above this show as "99+". */
export const MAX_SHOWN = 99;

/** A count as a badge shows it: "7", or "99+" past MAX_SHOWN. */
export function countLabel(n: number): string {
  return n > MAX_SHOWN ? `${MAX_SHOWN}+` : String(n);
}

/** A round unread count; screen readers hear "3 unread". */
export default function InboxBadge({ n }: { n: number }) {
  return (
    <span class="inbox-badge">
      {countLabel(n)} <span class="visually-hidden">unread</span>
    </span>
  );
}
