import type { MessageView } from "../lib/shared/schemas.ts";
import PersonName from "./PersonName.tsx";
import RichText from "./RichText.tsx";
import { plainText } from "./format.ts";
import type { MessageContext } from "./message_types.ts";

/** Props of the pinned messages bar. */
export type PinnedBarProps = {
  pins: MessageView[];
  ctx: MessageContext;
  onJump(seq: number): void;
  onUnpin(seq: number): void;
};

/** The room's pinned messages: the newest one in a bar that opens to the whole list. */
export default function PinnedBar(
  { pins, ctx, onJump, onUnpin }: PinnedBarProps,
) {
  if (pins.length === 0) return null;
  const latest = pins[0];
  return (
    <details class="pins">
      <summary class="pins__summary">
        <span class="pins__count">
          {pins.length === 1 ? "📌 Pinned" : `📌 ${pins.length} pinned`}
        </span>
        <span class="pins__latest">
          <PersonName person={latest.author} />
          {`: ${plainText(latest.text)}`}
        </span>
      </summary>
      <ol class="pins__list" aria-label="Pinned messages">
        {pins.map((m) => (
          <li key={m.seq} class="pins__item">
            <p class="pins__text">
              <PersonName person={m.author} class="msg__author" />{" "}
              <RichText text={m.text} me={ctx.meHandle} />
            </p>
            <div class="pins__actions">
              <button
                type="button"
                class="link-button"
                disabled={!ctx.local}
                onClick={() => onJump(m.seq)}
              >
                Show in chat
              </button>
              {ctx.canModerate && (
                <button
                  type="button"
                  class="link-button"
                  disabled={!ctx.local}
                  onClick={() => onUnpin(m.seq)}
                >
                  Unpin
                </button>
              )}
            </div>
          </li>
        ))}
      </ol>
    </details>
  );
}
