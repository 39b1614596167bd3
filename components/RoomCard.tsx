import type { NearbyRoomView } from "../lib/shared/schemas.ts";
import {
  CATEGORY_LABELS,
  formatAgo,
  formatDistance,
  plural,
} from "./format.ts";

/** One nearby room with its facts and what the searched point allows: Join, Peek or neither. */
export type RoomCardProps = {
  room: NearbyRoomView;
  /** What is under way for this room, if anything. */
  busy: "join" | "peek" | null;
  disabled: boolean;
  error?: string;
  onJoin(id: string): void;
  onPeek(id: string): void;
};

/** The line saying where the searched point stands towards a room. */
export function standingOf(
  inside: NearbyRoomView["inside"],
): { key: "post" | "read" | "outside"; label: string } {
  if (inside.post) return { key: "post", label: "You're inside — join" };
  if (inside.read) return { key: "read", label: "You can read — peek" };
  return { key: "outside", label: "Outside" };
}

/**
 * A nearby room: name, category, radius and read radius, distance, members, last activity,
 * whether the searched point is inside, and Join (inside the radius) or Peek (inside the read
 * radius only).
 */
export default function RoomCard(
  { room, busy, disabled, error, onJoin, onPeek }: RoomCardProps,
) {
  const errorId = `join-error-${room.id}`;
  const standing = standingOf(room.inside);
  const name = <span class="visually-hidden">{` ${room.name}`}</span>;
  return (
    <li class="room-card" id={`room-${room.id}`} tabIndex={-1}>
      <div class="room-card__head">
        <h3 class="room-card__name">{room.name}</h3>
        <span class={`badge badge--${room.category}`}>
          {CATEGORY_LABELS[room.category]}
        </span>
      </div>
      {room.description && <p class="room-card__desc">{room.description}</p>}
      <ul class="facts" aria-label="Details">
        <li>{formatDistance(room.distanceM)} away</li>
        <li>Radius {formatDistance(room.radiusM)}</li>
        <li>Read radius {formatDistance(room.readRadiusM)}</li>
        <li>{plural(room.memberCount, "member")}</li>
        <li>Last activity: {formatAgo(room.lastMessageAt)}</li>
      </ul>
      <p class={`room-card__standing room-card__standing--${standing.key}`}>
        {standing.label}
      </p>
      <div class="room-card__actions">
        {standing.key === "post" && (
          <button
            type="button"
            class="button"
            onClick={() => onJoin(room.id)}
            disabled={disabled || busy !== null}
            aria-describedby={error ? errorId : undefined}
          >
            {busy === "join" ? "Joining…" : "Join"}
            {name}
          </button>
        )}
        {standing.key === "read" && (
          <button
            type="button"
            class="button"
            onClick={() => onPeek(room.id)}
            disabled={disabled || busy !== null}
            aria-describedby={error ? errorId : undefined}
          >
            {busy === "peek" ? "Opening…" : "Peek"}
            {name}
          </button>
        )}
        <a class="button button--quiet" href={`/rooms/${room.id}`}>
          Open{name}
        </a>
      </div>
      {error && <p id={errorId} class="form-error" role="alert">{error}</p>}
    </li>
  );
}
