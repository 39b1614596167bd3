import { useEffect, useRef } from "preact/hooks";
import type { SocketStatus } from "./chat_socket.ts";

/**
 * Marks the room read up to the newest message whenever it is on screen: the reader is at the
 * bottom of the log and the tab is visible (checked again when the tab comes back).
 */
export function useReadMarks(
  newestSeq: number,
  atBottom: boolean,
  status: SocketStatus,
  markRead: (seq: number) => void,
): void {
  useEffect(() => {
    const mark = () => {
      if (newestSeq > 0 && atBottom && document.visibilityState === "visible") {
        markRead(newestSeq);
      }
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [newestSeq, atBottom, status]);
}

/**
 * Once hydrated: puts the caret in the composer, or, when the address names a message
 * (`#m-<seq>`, as mention links do), scrolls that message into view instead.
 */
export function useStartPosition(
  hydrated: boolean,
  log: { current: HTMLElement | null },
): void {
  useEffect(() => {
    if (!hydrated) return;
    const target = /^#m-\d+$/.test(location.hash)
      ? document.getElementById(location.hash.slice(1))
      : null;
    if (target && log.current?.contains(target)) {
      target.scrollIntoView({ block: "center" });
      return;
    }
    document.getElementById("message-input")?.focus({ preventScroll: true });
  }, [hydrated]);
}

/** Moves the focus into a side panel when it opens and back to the composer when it closes. */
export function usePanelFocus(
  heading: string | null,
  key: string | number | null,
): void {
  const opened = useRef(false);
  useEffect(() => {
    if (heading) document.getElementById(heading)?.focus();
    else if (opened.current) document.getElementById("message-input")?.focus();
    opened.current = heading !== null;
  }, [heading, key]);
}
