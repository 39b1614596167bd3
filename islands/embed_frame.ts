import { EMBED_MESSAGE } from "../lib/shared/embed_schemas.ts";

/** The frame's line to the widget on the embedding page. */
export type ParentLink = {
  /** Asks the widget for this content height (CSS pixels); repeats are not sent. */
  resize(height: number): void;
  stop(): void;
};

/**
 * Talks to the widget by postMessage, both ways only with the embedding page, and only when
 * that page's origin (as the widget named it) is one of the room's sites: messages go out
 * addressed to that origin, and come in only from the parent window at that origin.
 */
export function linkParent(
  parentOrigin: string | null,
  origins: readonly string[],
  onShown: (open: boolean) => void,
): ParentLink {
  const parent = globalThis.parent;
  const framed = parent !== (globalThis as unknown as Window);
  const target = framed && parentOrigin &&
      origins.includes(parentOrigin)
    ? parentOrigin
    : null;
  function onMessage(e: MessageEvent) {
    if (!target || e.source !== parent || e.origin !== target) return;
    const data = e.data as { type?: unknown; open?: unknown } | null;
    if (data?.type === EMBED_MESSAGE.shown) onShown(data.open === true);
  }
  addEventListener("message", onMessage);
  let last = -1;
  return {
    resize(height) {
      const h = Math.ceil(height);
      if (!target || h === last) return;
      last = h;
      parent.postMessage({ type: EMBED_MESSAGE.resize, height: h }, target);
    },
    stop: () => removeEventListener("message", onMessage),
  };
}
