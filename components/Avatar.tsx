import type { AuthorView } from "../lib/shared/schemas.ts";
import { avatarTone, initials } from "./format.ts";

/** A round badge with a person's initials, coloured by their id; decorative beside their name. */
export default function Avatar({ user }: { user: AuthorView }) {
  return (
    <span
      class={`avatar avatar--tone${avatarTone(user.id)}`}
      aria-hidden="true"
    >
      {initials(user.displayName || user.handle)}
    </span>
  );
}
