import type { MessageView } from "../lib/shared/schemas.ts";
import { joinNames } from "./format.ts";
import type { MessageContext, MessageHandlers } from "./message_types.ts";
import { type Person, personLabel } from "./PersonName.tsx";

/** Props of a message's reaction chips. */
export type ReactionChipsProps = {
  message: MessageView;
  ctx: MessageContext;
  on: MessageHandlers;
};

/** Who reacted, for the chip's tooltip: "You, Ben @ben and 2 others reacted with 👍". */
export function reactorsTitle(
  r: MessageView["reactions"][number],
  ctx: MessageContext,
): string {
  const names = r.by.map((id) =>
    id === ctx.meId ? "You" : label(ctx.personOf(id))
  );
  return `${
    joinNames(names, Math.max(r.count, names.length))
  } reacted with ${r.emoji}`;
}

function label(p: Person | null): string {
  return p ? personLabel(p) : "someone";
}

/** One chip per emoji with its count, pressed when the viewer reacted; clicking toggles it. */
export default function ReactionChips(
  { message, ctx, on }: ReactionChipsProps,
) {
  if (message.reactions.length === 0) return null;
  return (
    <ul class="reactions" aria-label="Reactions">
      {message.reactions.map((r) => {
        const mine = r.by.includes(ctx.meId);
        return (
          <li key={r.emoji}>
            <button
              type="button"
              class={mine ? "chip chip--mine" : "chip"}
              aria-pressed={mine}
              title={reactorsTitle(r, ctx)}
              disabled={!ctx.local}
              onClick={() => on.react(message.seq, r.emoji, !mine)}
            >
              {`${r.emoji} ${r.count}`}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
