import { type ComponentChildren, createContext } from "preact";
import { useContext } from "preact/hooks";
import type { PresenceStatus, PresenceView } from "../lib/shared/schemas.ts";
import Avatar from "./Avatar.tsx";
import PersonName from "./PersonName.tsx";
import { formatAgo } from "./format.ts";

/** A member as the list shows them. */
export type MemberRow = {
  id: string;
  handle: string;
  displayName: string;
  role: "owner" | "admin" | "member";
};

/** Props of the member panel. */
export type MemberListProps = {
  members: MemberRow[] | null;
  presence: Record<string, PresenceView>;
  meId: string;
  onClose(): void;
  /** The viewer's own settings, shown above the list. */
  children?: ComponentChildren;
  /** What goes between the settings and the list: adding people, the last action's outcome. */
  tools?: ComponentChildren;
  /** Ids of members the viewer blocked. */
  blocked?: ReadonlySet<string>;
  /** The buttons beside one member (messaging, blocking, roles), if any. */
  actions?(member: MemberRow): ComponentChildren;
};

/**
 * What a room page adds to every member's row without threading it through the panels in
 * between: a note on their standing ("muted until 14:05", "held") and moderation tools.
 */
export type MemberExtras = {
  note(member: MemberRow): string;
  tools(member: MemberRow): ComponentChildren;
};

/** Supplies the member rows' extras; none outside a room that provides them. */
export const MemberExtrasContext = createContext<MemberExtras | null>(null);

const STATUS_NAMES: Record<PresenceStatus, string> = {
  online: "online",
  away: "away",
  dnd: "do not disturb",
  offline: "offline",
};

const RANK = { online: 0, away: 1, dnd: 2, offline: 3 } as const;

function statusText(p: PresenceView | undefined): string {
  if (!p || p.status === "offline") {
    return p?.lastSeenAt ? `last seen ${formatAgo(p.lastSeenAt)}` : "offline";
  }
  return STATUS_NAMES[p.status];
}

/** The room's members with a presence dot each, people online first. */
export default function MemberList(props: MemberListProps) {
  const extras = useContext(MemberExtrasContext);
  const status = (id: string) => props.presence[id]?.status ?? "offline";
  const members = [...(props.members ?? [])].sort((a, b) =>
    RANK[status(a.id)] - RANK[status(b.id)] ||
    a.displayName.localeCompare(b.displayName)
  );
  return (
    <section
      id="members-panel"
      class="panel"
      aria-labelledby="members-heading"
    >
      <div class="panel__head">
        <h2 id="members-heading" tabIndex={-1}>Members</h2>
        <button
          type="button"
          class="button button--small"
          onClick={props.onClose}
        >
          Close
        </button>
      </div>
      {props.children}
      {props.tools}
      {props.members === null
        ? <p class="muted panel__body">Loading members…</p>
        : (
          <ul class="members panel__body">
            {members.map((m) => {
              const note = extras?.note(m) ?? "";
              return (
                <li key={m.id} class="members__item">
                  <Avatar user={m} />
                  <span class={`dot dot--${status(m.id)}`} aria-hidden="true" />
                  <span class="members__name">
                    <span>
                      <PersonName person={m} />
                      {m.id === props.meId && " (you)"}
                    </span>
                    <span class="members__meta">
                      {statusText(props.presence[m.id])}
                      {props.blocked?.has(m.id) && " · blocked"}
                      {note && ` · ${note}`}
                    </span>
                  </span>
                  {m.role !== "member" && (
                    <span class="badge">
                      {m.role === "owner" ? "Owner" : "Admin"}
                    </span>
                  )}
                  {props.actions?.(m)}
                  {extras?.tools(m)}
                </li>
              );
            })}
          </ul>
        )}
    </section>
  );
}
