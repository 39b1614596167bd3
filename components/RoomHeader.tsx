import type { AuthorView, RoomView } from "../lib/shared/schemas.ts";
import PersonName from "./PersonName.tsx";
import { CATEGORY_LABELS, formatDistance, plural } from "./format.ts";

/**
 * Props of a room page's heading; `compact` is the slim form above a chat, `peer` the other
 * person of a direct conversation, whom its heading names.
 */
export type RoomHeaderProps = {
  room: RoomView;
  compact?: boolean;
  peer?: AuthorView | null;
  /** Link to the venue's check-in screen (for the room's owners and admins). */
  checkInScreen?: boolean;
};

/** The heading of a direct conversation: the other person's name and @handle. */
export function roomTitle(room: RoomView, peer?: AuthorView | null): string {
  return room.kind === "direct" && peer
    ? `${peer.displayName} @${peer.handle}`
    : room.name;
}

/**
 * A room page's heading: name (for a DM, the other person's), category, radius (and read
 * radius) or kind, member count, description, whether the event has ended, and the link to
 * the check-in screen for those who may show it.
 */
export default function RoomHeader(
  { room, compact, peer, checkInScreen }: RoomHeaderProps,
) {
  const facts = (
    <ul class="facts" aria-label="Room details">
      {room.radiusM !== null
        ? <li>Radius {formatDistance(room.radiusM)}</li>
        : <li>{room.kind === "group" ? "Private group" : "Direct message"}</li>}
      {room.readRadiusM && room.readRadiusM !== room.radiusM && (
        <li>Read radius {formatDistance(room.readRadiusM)}</li>
      )}
      {!compact && <li>{plural(room.memberCount, "member")}</li>}
      {room.expiresAt && (
        <li>
          Ends{" "}
          <time dateTime={room.expiresAt}>
            {room.expiresAt.slice(0, 16).replace("T", " ")} UTC
          </time>
        </li>
      )}
    </ul>
  );
  return (
    <header
      class={compact ? "room-header room-header--compact" : "room-header"}
    >
      <div class="room-header__title">
        <h1>
          {room.kind === "direct" && peer
            ? <PersonName person={peer} />
            : room.name}
        </h1>
        {room.kind === "proximity" && (
          <span class={`badge badge--${room.category}`}>
            {CATEGORY_LABELS[room.category]}
          </span>
        )}
        {compact && facts}
      </div>
      {!compact && facts}
      {/* Above a chat, the chat says it where the composer would be. */}
      {room.ended && !compact && (
        <p class="room-header__ended" role="status">
          This event has ended — the room is read-only
        </p>
      )}
      {checkInScreen && !room.ended && (
        <p class="room-header__checkin">
          <a href={`/rooms/${room.id}/checkin-screen`}>Check-in screen</a>
        </p>
      )}
      {room.description && (compact
        ? (
          <details class="room-header__about">
            <summary>About this room</summary>
            <p class="room-header__desc">{room.description}</p>
          </details>
        )
        : <p class="room-header__desc">{room.description}</p>)}
    </header>
  );
}
