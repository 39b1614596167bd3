import { useEffect, useRef, useState } from "preact/hooks";
import type { NotificationView } from "../lib/shared/schemas.ts";
import { type StreamPosition, tabSocket } from "./chat_socket.ts";
import { readNotifications, unreadNotifications } from "./room_api.ts";

/** How long a new mention's toast stays up. */
export const TOAST_MS = 6000;

/** What the server counted: every unread notification up to its stream seq `head`. */
export type UnreadBase = { unread: number; head: number };

/**
 * Unread mentions: the server's count up to its head, plus unread ones the stream brought
 * above it. Either can arrive first; a notification is never counted twice or lost.
 */
export function unreadCount(
  base: UnreadBase | null,
  streamed: number[],
): number {
  const head = base?.head ?? 0;
  return (base?.unread ?? 0) + streamed.filter((seq) => seq > head).length;
}

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
  const [base, setBase] = useState<UnreadBase | null>(null);
  // Seqs of unread notifications that came over the stream.
  const [streamed, setStreamed] = useState<number[]>([]);
  const [toast, setToast] = useState<NotificationView | null>(null);
  const position = useRef<StreamPosition | null>(null);

  async function load() {
    const r = await unreadNotifications();
    if (!r.ok) return;
    setItems((xs) => {
      const seqs = new Set(r.data.items.map((n) => n.seq));
      return [...xs.filter((x) => !seqs.has(x.seq)), ...r.data.items]
        .sort((a, b) => b.seq - a.seq).slice(0, 20);
    });
    setBase({ unread: r.data.unread, head: r.data.head });
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
          if (!n.read) setStreamed((xs) => [...xs, n.seq]);
          setToast(n);
        } else if (f.type === "inbox.changed") {
          // Inbox changes share the stream: a resume starts after them too.
          const at = position.current;
          if (at && f.seq > at.after) {
            position.current = { after: f.seq, epoch: at.epoch };
          }
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
    unread: unreadCount(base, streamed),
    items,
    toast,
    async readAll() {
      const upto = Math.max(
        position.current?.after ?? 0,
        ...items.map((n) => n.seq),
      );
      setItems([]);
      setBase({ unread: 0, head: upto });
      setStreamed([]);
      await readNotifications(upto);
    },
  };
}
