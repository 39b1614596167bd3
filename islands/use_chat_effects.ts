import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ReportHandler } from "../components/MessageActions.tsx";
import type { MessageHandlers } from "../components/message_types.ts";
import type { SocketStatus } from "./chat_socket.ts";
import type { RoomActions } from "./room_actions.ts";

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

/** After an edit ends, the focus goes back to that message's action menu. */
function refocus(seq: number) {
  requestAnimationFrame(() =>
    document.querySelector<HTMLElement>(`#m-${seq} .msg-actions__toggle`)
      ?.focus()
  );
}

/**
 * Scrolls the room's log to a message and focuses its menu; `notify` says so when the
 * message is not loaded.
 */
export function jumpToMessage(seq: number, notify: (text: string) => void) {
  const el = document.getElementById(`m-${seq}`);
  if (!el) return notify("That message is further back in the history.");
  el.scrollIntoView({ block: "center" });
  el.querySelector<HTMLElement>("summary")?.focus({ preventScroll: true });
}

/**
 * What message rows can do, bound once per room: opening a thread closes the member panel,
 * ending an edit puts the focus back on that message's menu, and `report` (when given)
 * opens the report form.
 */
export function useMessageHandlers(
  actions: RoomActions,
  setEditingSeq: (seq: number | null) => void,
  setMembersOpen: (open: boolean) => void,
  report?: ReportHandler["report"],
): MessageHandlers & ReportHandler {
  return useMemo(() => ({
    report,
    react: actions.react,
    openThread: (seq) => {
      setMembersOpen(false);
      actions.openThread(seq);
    },
    startEdit: setEditingSeq,
    cancelEdit: (seq) => {
      setEditingSeq(null);
      refocus(seq);
    },
    saveEdit: (seq, text) => {
      setEditingSeq(null);
      refocus(seq);
      actions.edit(seq, text);
    },
    remove: actions.remove,
    pin: actions.pin,
  }), [actions]);
}

/** The panels that open beside the log, besides a thread. */
export type SidePanel = "members" | "moderation";

/** Which side panel is open: one at a time, and opening one closes the thread. */
export function useSidePanel(closeThread: () => void) {
  const [side, setSide] = useState<SidePanel | null>(null);
  return {
    side,
    close: () => setSide(null),
    /** Opens a panel, or closes it when it is the one open. */
    toggle(which: SidePanel) {
      if (side !== which) closeThread();
      setSide(side === which ? null : which);
    },
    /** Opens or closes the member list; a thread opening closes any panel. */
    setMembersOpen: (open: boolean) => setSide(open ? "members" : null),
  };
}
