/** The admin area's pages, and the moderation page beside them. */
const LINKS = [
  { href: "/admin", label: "Analytics" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/rooms", label: "Rooms" },
  { href: "/moderation", label: "Moderation" },
] as const;

/** Tabs between the admin pages; the current one is marked for screen readers too. */
export default function AdminNav({ current }: { current: string }) {
  return (
    <nav class="admin-nav" aria-label="Admin">
      <ul>
        {LINKS.map((l) => (
          <li key={l.href}>
            <a
              href={l.href}
              aria-current={l.href === current ? "page" : undefined}
            >
              {l.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
