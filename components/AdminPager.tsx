/** "First page" and "Next page" links for a cursor-paged admin list. */
export default function AdminPager(
  { base, cursor, first }: {
    base: string;
    cursor: string | null;
    first: boolean;
  },
) {
  if (first && !cursor) return null;
  return (
    <nav class="admin-pager" aria-label="Pages">
      {!first && <a href={base}>First page</a>}
      {cursor && (
        <a href={`${base}?cursor=${encodeURIComponent(cursor)}`} rel="next">
          Next page
        </a>
      )}
    </nav>
  );
}
