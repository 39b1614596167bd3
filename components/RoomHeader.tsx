import type { RoomView } from "../lib/shared/schemas.ts";
import { CATEGORY_LABELS, formatDistance, plural } from "./format.ts";

/** A room page's heading: name, category, radius, member count and description. */
export default function RoomHeader({ room }: { room: RoomView }) {
  return (
    <header class="room-header">
      <div class="room-header__title">
        <h1>{room.name}</h1>
        <span class={`badge badge--${room.category}`}>
          {CATEGORY_LABELS[room.category]}
        </span>
      </div>
      <ul class="facts" aria-label="Room details">
        <li>Radius {formatDistance(room.radiusM)}</li>
        <li>{plural(room.memberCount, "member")}</li>
        {room.expiresAt && (
          <li>
            Ends{" "}
            <time dateTime={room.expiresAt}>
              {room.expiresAt.slice(0, 16).replace("T", " ")} UTC
            </time>
          </li>
        )}
      </ul>
      {room.description && <p class="room-header__desc">{room.description}</p>}
    </header>
  );
}
