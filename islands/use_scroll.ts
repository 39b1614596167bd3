import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";

/** How close to the bottom, in pixels, still counts as "at the bottom". */
export const BOTTOM_SLACK_PX = 48;

/** How close to the top, in pixels, starts loading older history. */
export const TOP_SLACK_PX = 160;

/** What the log's scrolling needs from the room. */
export type ScrollOptions = {
  /** The newest message seq shown; a change means something arrived. */
  newestSeq: number;
  hasOlder: boolean;
  /** Loads older history; calls `beforeApply` just before the rows are added. */
  loadOlder(beforeApply: () => void): Promise<boolean>;
  /** The reader is back at the bottom (the room may trim what it kept for browsing). */
  onFollow(): void;
};

/** The scroll container's ref and state, and ways to move it. */
export type ScrollHandle = {
  ref: { current: HTMLDivElement | null };
  atBottom: boolean;
  /** The newest seq the reader has seen at the bottom; later ones are "new". */
  seenSeq: number;
  onScroll(): void;
  toBottom(): void;
};

/**
 * Keeps a chat log pinned to the bottom after every render while the reader is there (bursts
 * included), keeps the reading position when older history is prepended, and loads that
 * history when the reader nears the top.
 */
export function useScrollLog(opts: ScrollOptions): ScrollHandle {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  // Distance from the bottom to restore after older rows are inserted above.
  const anchor = useRef<number | null>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [seenSeq, setSeenSeq] = useState(opts.newestSeq);
  const latest = useRef(opts);
  latest.current = opts;

  // Read during render, so before this render's rows land: was the reader at the bottom? The
  // scroll event that would tell us is asynchronous and may come after new rows arrive.
  const before = ref.current;
  const wasAtBottom = before === null ||
    before.scrollHeight - before.scrollTop - before.clientHeight <
      BOTTOM_SLACK_PX;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (anchor.current !== null) {
      el.scrollTop = el.scrollHeight - anchor.current;
      anchor.current = null;
    } else if (stick.current && wasAtBottom) {
      el.scrollTop = el.scrollHeight;
    }
  });

  useEffect(() => {
    if (stick.current) setSeenSeq(opts.newestSeq);
  }, [opts.newestSeq]);

  async function older() {
    const el = ref.current;
    if (!el || !latest.current.hasOlder) return;
    await latest.current.loadOlder(() => {
      anchor.current = el.scrollHeight - el.scrollTop;
    });
  }

  // A log too short to scroll cannot reach its top by scrolling: fill it first.
  useEffect(() => {
    const el = ref.current;
    if (el && opts.hasOlder && el.scrollHeight <= el.clientHeight) older();
  }, [opts.hasOlder, opts.newestSeq]);

  function follow(bottom: boolean) {
    stick.current = bottom;
    setAtBottom(bottom);
    if (!bottom) return;
    setSeenSeq(latest.current.newestSeq);
    latest.current.onFollow();
  }

  return {
    ref,
    atBottom,
    seenSeq,
    onScroll() {
      const el = ref.current!;
      const bottom =
        el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
      if (bottom !== stick.current) follow(bottom);
      if (el.scrollTop < TOP_SLACK_PX) older();
    },
    toBottom() {
      const el = ref.current;
      if (el) el.scrollTop = el.scrollHeight;
      follow(true);
    },
  };
}
