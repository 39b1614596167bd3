import { useEffect, useRef, useState } from "preact/hooks";
import type { NotificationView } from "../lib/shared/schemas.ts";
import { type StreamPosition, tabSocket } from "./chat_socket.ts";
import { readNotifications, unreadNotifications } from "./room_api.ts";

/** How long a new mention's toast stays up. */
export const TOAST_MS = 6000;

/** The viewer's unread mentions, kept live from the notification stream. */
export type MentionsHandle = {
  unread: number;
  items: NotificationView[];
  toast: NotificationView | null;
  readAll(): void;
};

/** Follows the viewer's notification stream over the tab socket; loads the unread ones first. */
export function useNotifications(): MentionsHandle {
  const [items, setItems] = useState<NotificationView[]>([]);
  const [unread, setUnread] = useState(0);
  const [toast, setToast] = useState<NotificationView | null>(null);
  const position = useRef<StreamPosition | null>(null);

  async function load() {
    const r = await unreadNotifications();
    if (!r.ok) return;
    setItems(r.data.items);
    setUnread(r.data.unread);
  }

  useEffect(() => {
    const stop = tabSocket().watchNotifications({
      position: () => position.current,
      frame(f) {
        if (f.type === "notifications.subscribed") {
          const known = position.current;
          position.current = { after: f.seq, epoch: f.epoch };
          if (known && !f.recovered) load();
        } else if (f.type === "notification.new") {
          const n = f.notification;
          const at = position.current;
          if (at && f.seq <= at.after) return;
          position.current = { after: f.seq, epoch: at?.epoch ?? "" };
          setItems((xs) =>
            [n, ...xs.filter((x) => x.seq !== n.seq)].slice(0, 20)
          );
          if (!n.read) setUnread((u) => u + 1);
          setToast(n);
        }
      },
    });
    load();
    return stop;
  }, []);

  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);

  return {
    unread,
    items,
    toast,
    async readAll() {
      const upto = Math.max(
        position.current?.after ?? 0,
        ...items.map((n) => n.seq),
      );
      setItems([]);
      setUnread(0);
      await readNotifications(upto);
    },
  };
}
