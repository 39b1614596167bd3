import { ROOM_RADIUS_M } from "../lib/shared/schemas.ts";
import type { RoomCategory } from "../lib/shared/schemas.ts";
import { CATEGORY_LABELS } from "./format.ts";

/** What the form hands back: everything but the position, which the island adds. */
export type NewRoom = {
  name: string;
  description: string;
  radiusM: number;
  category: RoomCategory;
};

/** State and callback of the create-room form. */
export type CreateRoomFormProps = {
  disabled: boolean;
  busy: boolean;
  error?: string;
  onCreate(room: NewRoom): void;
};

/** The "Create a room here" form: name, description, radius and category. */
export default function CreateRoomForm(props: CreateRoomFormProps) {
  function submit(e: Event) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    props.onCreate({
      name: String(data.get("name") ?? ""),
      description: String(data.get("description") ?? ""),
      radiusM: Number(data.get("radiusM")),
      category: String(data.get("category")) as RoomCategory,
    });
  }
  return (
    <section class="card" aria-labelledby="create-heading">
      <h2 id="create-heading">Create a room here</h2>
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
