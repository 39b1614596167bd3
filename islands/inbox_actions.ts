import { useEffect, useState } from "preact/hooks";
import { explain, inboxApi } from "./inbox_api.ts";
import type { InboxLive } from "./inbox_live.ts";
import { currentPermission, type NotifyPermission } from "./inbox_notify.ts";

/** What the inbox page can do, and how the last attempts went. */
export type InboxActions = {
  /** A failed list action (load more, mark read, delete, answer), in words. */
  notice: string;
  dmError: string;
  groupError: string;
  busy: "" | "more" | "dm" | "group";
  permission: NotifyPermission;
  loadMore(): Promise<void>;
  readAll(): Promise<void>;
  hide(room: string): Promise<void>;
  answer(room: string, accept: boolean): Promise<void>;
  startDirect(handle: string): Promise<void>;
  createGroup(name: string, description: string): Promise<void>;
  enableNotifications(): Promise<void>;
};

/** The inbox page's buttons and forms, each one REST call with its error shown. */
export function useInboxActions(live: InboxLive): InboxActions {
  const [notice, setNotice] = useState("");
  const [dmError, setDmError] = useState("");
  const [groupError, setGroupError] = useState("");
  const [busy, setBusy] = useState<InboxActions["busy"]>("");
  const [permission, setPermission] = useState<NotifyPermission>(
    "unsupported",
  );
  // Read after hydration only: the server cannot know, and the markup must match.
  useEffect(() => setPermission(currentPermission()), []);

  return {
    notice,
    dmError,
    groupError,
    busy,
    permission,
    async loadMore() {
      const { cursor, filter } = live.state;
      if (!cursor) return;
      setBusy("more");
      const r = await inboxApi.page(filter, cursor);
      setBusy("");
      if (!r.ok) return setNotice(r.message);
      setNotice("");
      live.dispatch({ type: "page", first: false, ...r.data });
    },
    async readAll() {
      live.dispatch({ type: "readAll" });
      const r = await inboxApi.readAll();
      if (!r.ok) {
        setNotice(r.message);
        await live.reload();
      } else setNotice("");
    },
    async hide(room) {
      live.dispatch({ type: "drop", room });
      const r = await inboxApi.hide(room);
      if (r.ok) return setNotice("");
      setNotice(r.message);
      await live.refresh(room, "upsert");
    },
    async answer(room, accept) {
      const r = await inboxApi.answer(room, accept);
      if (!r.ok) return setNotice(explain(r));
      setNotice("");
      if (accept) await live.refresh(room, "update");
      else live.dispatch({ type: "drop", room });
    },
    async startDirect(handle) {
      setBusy("dm");
      const r = await inboxApi.direct(handle);
      if (r.ok) return location.assign(`/rooms/${r.data.id}`);
      setBusy("");
      setDmError(explain(r));
    },
    async createGroup(name, description) {
      setBusy("group");
      const r = await inboxApi.group(name, description);
      if (r.ok) return location.assign(`/rooms/${r.data.id}`);
      setBusy("");
      setGroupError(r.message);
    },
    async enableNotifications() {
      if (typeof Notification === "undefined") return;
      setPermission(await Notification.requestPermission());
    },
  };
}
