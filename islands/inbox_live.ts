import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ServerFrame } from "../lib/shared/protocol.ts";
import { type SocketStatus, tabSocket } from "./chat_socket.ts";
import { inboxApi } from "./inbox_api.ts";
import {
  type Activity,
  type InboxAction,
  type InboxFilter,
  inboxReducer,
  type InboxState,
  initialInboxState,
  type ItemMode,
} from "./inbox_reducer.ts";
import {
  activityToast,
  currentPermission,
  mentionToast,
  type NotifyContext,
  showToast,
} from "./inbox_notify.ts";
import { isLoaded, rowOf, type Viewing } from "./inbox_select.ts";

/** The inbox state, kept live over the tab socket, and where the reader is. */
export type InboxLive = {
  state: InboxState;
  status: SocketStatus;
  viewing: Viewing;
  /** Why the list could not be loaded, in words ("" when it could). */
  error: string;
  dispatch(a: InboxAction): void;
  /** Reloads the first page (and the total) under the state's filter. */
  reload(): Promise<void>;
  /** Refreshes one room; `upsert` adds it when it is not shown yet. */
  refresh(room: string, mode: ItemMode): Promise<void>;
};

/** Whether the tab is on screen, kept up to date. */
function useVisible(): boolean {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === "visible");
    update();
    document.addEventListener("visibilitychange", update);
    return () => document.removeEventListener("visibilitychange", update);
  }, []);
  return visible;
}

/**
 * Follows the viewer's inbox: subscribes first, loads once the server confirms (so no message
 * falls between), applies activity, removals and changes, and reloads after every reconnect.
 */
export function useInboxLive(me: string, open: string | null): InboxLive {
  const [state, setState] = useState(() => initialInboxState(me));
  const ref = useRef(state);
  const [status, setStatus] = useState<SocketStatus>("connecting");
  const [error, setError] = useState("");
  const visible = useVisible();
  const viewing = { open, visible };
  const viewingRef = useRef(viewing);
  viewingRef.current = viewing;
  const loads = useRef(0);

  const live = useMemo(() => {
    const dispatch = (a: InboxAction) => {
      const next = inboxReducer(ref.current, a);
      if (next === ref.current) return;
      ref.current = next;
      setState(next);
    };
    /** Rooms past the first page exist: the server's total covers them. */
    const partial = () =>
      ref.current.cursor !== null || ref.current.filter !== "all";
    const total = async () => {
      const r = await inboxApi.unread();
      if (r.ok) dispatch({ type: "total", total: r.data.total });
    };
    const reload = async () => {
      const n = ++loads.current;
      const { filter } = ref.current;
      const [page, sum] = await Promise.all([
        inboxApi.page(filter, null),
        inboxApi.unread(),
      ]);
      if (n !== loads.current || filter !== ref.current.filter) return;
      setError(page.ok ? "" : page.message);
      if (page.ok) {
        dispatch({ type: "page", first: true, ...page.data });
      }
      if (sum.ok) dispatch({ type: "total", total: sum.data.total });
    };
    const refresh = async (room: string, mode: ItemMode) => {
      const drops = ref.current.drops[room] ?? 0;
      const r = await inboxApi.item(room);
      if (r.ok) dispatch({ type: "item", item: r.data, mode, drops });
      else if (r.status === 404) dispatch({ type: "drop", room });
      if (mode === "upsert" && partial()) await total();
    };
    return { dispatch, reload, refresh, total };
  }, []);

  useEffect(() => {
    const notifyCtx = (): NotifyContext => ({
      me,
      permission: currentPermission(),
      open,
      hidden: !viewingRef.current.visible,
    });
    const onActivity = async (f: Activity) => {
      const v = viewingRef.current;
      const seen = f.room === v.open && v.visible;
      if (isLoaded(ref.current, f.room)) {
        live.dispatch({ type: "activity", activity: f, seen });
      } else await live.refresh(f.room, "upsert");
      const entry = ref.current.entries[f.room];
      if (!entry) return;
      const toast = activityToast(
        rowOf(entry, v),
        f.from,
        f.preview,
        notifyCtx(),
      );
      if (toast) showToast(toast);
    };
    const frame = (f: ServerFrame) => {
      switch (f.type) {
        case "inbox.subscribed":
          return void live.reload();
        case "inbox.activity":
          return void onActivity(f);
        case "inbox.removed":
          return live.dispatch({ type: "drop", room: f.room });
        case "inbox.changed":
          if (f.why === "hidden" || f.why === "declined") {
            return live.dispatch({ type: "drop", room: f.room });
          }
          return void live.refresh(
            f.room,
            f.why === "added" ? "upsert" : "update",
          );
        case "notification.new": {
          const toast = mentionToast(f.notification, notifyCtx());
          if (toast) showToast(toast);
        }
      }
    };
    const socket = tabSocket();
    const stopInbox = socket.watchInbox({ frame });
    const stopStatus = socket.onStatus((s) => {
      setStatus(s);
      // Without a socket there is no live inbox, but there can still be a list.
      if (s === "offline" && !ref.current.loaded) void live.reload();
    });
    setStatus(socket.status);
    return () => {
      stopInbox();
      stopStatus();
    };
  }, []);

  return {
    state,
    status,
    viewing,
    error,
    dispatch: live.dispatch,
    reload: live.reload,
    refresh: live.refresh,
  };
}

/** The filter change as the list needs it: a fresh state under the new filter, then a load. */
export function changeFilter(live: InboxLive, filter: InboxFilter): void {
  live.dispatch({ type: "filter", filter });
  void live.reload();
}
