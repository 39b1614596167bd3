import type { NearbyRoomView } from "../lib/shared/schemas.ts";
import {
  CATEGORY_LABELS,
  formatAgo,
  formatDistance,
  plural,
} from "./format.ts";

/** One nearby room with its facts and a Join button. */
export type RoomCardProps = {
  room: NearbyRoomView;
  busy: boolean;
  disabled: boolean;
  error?: string;
  onJoin(id: string): void;
};

/** A nearby room: name, category, distance, members, last activity and Join. */
export default function RoomCard(
  { room, busy, disabled, error, onJoin }: RoomCardProps,
) {
  const errorId = `join-error-${room.id}`;
  return (
    <li class="room-card">
      <div class="room-card__head">
        <h3 class="room-card__name">{room.name}</h3>
        <span class={`badge badge--${room.category}`}>
          {CATEGORY_LABELS[room.category]}
        </span>
      </div>
      {room.description && <p class="room-card__desc">{room.description}</p>}
      <ul class="facts" aria-label="Details">
        <li>{formatDistance(room.distanceM)} away</li>
        <li>{plural(room.memberCount, "member")}</li>
        <li>Last activity: {formatAgo(room.lastMessageAt)}</li>
      </ul>
      <div class="room-card__actions">
        <button
          type="button"
          class="button"
          onClick={() => onJoin(room.id)}
          disabled={disabled || busy}
          aria-describedby={error ? errorId : undefined}
        >
          {busy ? "Joining…" : "Join"}
          <span class="visually-hidden">{` ${room.name}`}</span>
        </button>
        <a class="button button--quiet" href={`/rooms/${room.id}`}>
          Open<span class="visually-hidden">{` ${room.name}`}</span>
        </a>
      </div>
      {error && <p id={errorId} class="form-error" role="alert">{error}</p>}
    </li>
  );
}
