import { ROOM_RADIUS_M } from "../lib/shared/schemas.ts";
import type { RoomCategory } from "../lib/shared/schemas.ts";
import { CATEGORY_LABELS } from "./format.ts";

/** What the form hands back: everything but the position, which the island adds. */
export type NewRoom = {
  name: string;
  description: string;
  radiusM: number;
  /** Absent: the server's default, twice the radius. */
  readRadiusM?: number;
  category: RoomCategory;
};

/** State and callback of the create-room form. */
export type CreateRoomFormProps = {
  disabled: boolean;
  busy: boolean;
  error?: string;
  /** "map": at the point picked on the map, exactly; "here": at the position, on a grid. */
  placement: "here" | "map";
  onCreate(room: NewRoom): void;
};

const PLACEMENT_HINTS = {
  here:
    "The room goes where you are, rounded to a public grid of about 150 m so it never shows exactly where you stand.",
  map: "The room goes exactly at the point you picked on the map.",
} as const;

/**
 * The "Create a room here" form: name, description, radius, read radius and category; it says
 * where the room will go (the position on a grid, or the point picked on the map).
 */
export default function CreateRoomForm(props: CreateRoomFormProps) {
  function submit(e: Event) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const read = String(data.get("readRadiusM") ?? "").trim();
    props.onCreate({
      name: String(data.get("name") ?? ""),
      description: String(data.get("description") ?? ""),
      radiusM: Number(data.get("radiusM")),
      ...(read ? { readRadiusM: Number(read) } : {}),
      category: String(data.get("category")) as RoomCategory,
    });
  }
  return (
    <section class="card" aria-labelledby="create-heading">
      <h2 id="create-heading">Create a room here</h2>
      <p class="hint" data-placement={props.placement}>
        {PLACEMENT_HINTS[props.placement]}
      </p>
      <form class="stack" onSubmit={submit}>
        <div class="field">
          <label for="room-name">Room name</label>
          <input
            id="room-name"
            name="name"
            required
            maxLength={80}
            autoComplete="off"
          />
        </div>
        <div class="field">
          <label for="room-desc">
            Description <span class="hint">(optional)</span>
          </label>
          <textarea
            id="room-desc"
            name="description"
            maxLength={500}
            rows={2}
          />
        </div>
        <div class="field-row">
          <div class="field">
            <label for="room-radius">Radius in metres</label>
            <input
              id="room-radius"
              name="radiusM"
              type="number"
              inputMode="numeric"
              min={ROOM_RADIUS_M.min}
              max={ROOM_RADIUS_M.max}
              step={1}
              defaultValue="300"
              required
            />
          </div>
          <div class="field">
            <label for="room-read-radius">
              Read radius (metres){" "}
              <span class="hint">optional, twice the radius</span>
            </label>
            <input
              id="room-read-radius"
              name="readRadiusM"
              type="number"
              inputMode="numeric"
              min={ROOM_RADIUS_M.min}
              max={ROOM_RADIUS_M.max}
              step={1}
            />
          </div>
        </div>
        <div class="field-row">
          <div class="field">
            <label for="room-category">Category</label>
            <select id="room-category" name="category">
              {Object.entries(CATEGORY_LABELS).map(([value, label]) => (
                <option value={value}>{label}</option>
              ))}
            </select>
          </div>
        </div>
        <button
          type="submit"
          class="button button--primary"
          disabled={props.disabled || props.busy}
        >
          {props.busy ? "Creating…" : "Create room here"}
        </button>
        {props.error && <p class="form-error" role="alert">{props.error}</p>}
      </form>
    </section>
  );
}
