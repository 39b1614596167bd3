import { countLabel } from "../components/InboxBadge.tsx";

/** A page title with the unread count in front, "(3) Inbox · Vicinity"; bare when n is 0. */
export function titleWithUnread(bare: string, n: number): string {
  return n > 0 ? `(${countLabel(n)}) ${bare}` : bare;
}

/** The part of a document the count is shown in (a fake one in tests). */
export type TitleDocument = {
  title: string;
  querySelectorAll(selector: string): ArrayLike<HTMLElement>;
};

/** Per document: the title last written here, and the page's own title it was made from. */
const shown = new WeakMap<TitleDocument, { title: string; bare: string }>();

/**
 * Shows the total unread outside the island: in the tab title and in the header's Inbox
 * link (server-rendered, so the island fills its empty badge in).
 */
export function showUnreadTotal(
  n: number,
  doc: TitleDocument = document,
): void {
  // Only a prefix written here is taken off: a room may be called "(2024) plans".
  const last = shown.get(doc);
  const bare = last && doc.title === last.title ? last.bare : doc.title;
  const title = titleWithUnread(bare, n);
  if (title !== doc.title) doc.title = title;
  shown.set(doc, { title, bare });
  for (const el of Array.from(doc.querySelectorAll("[data-inbox-total]"))) {
    el.hidden = n === 0;
    const count = el.querySelector("[data-count]");
    if (count) count.textContent = countLabel(n);
  }
}
