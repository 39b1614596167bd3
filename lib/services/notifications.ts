import type { Messages } from "../db/messages.ts";
import type {
  NotificationEvent,
  UserEvent,
  UserStreams,
} from "../db/user_stream.ts";
import type { User } from "../db/users.ts";
import type { NotificationView } from "../shared/schemas.ts";

/** Characters of the mentioning message a notification shows. */
export const EXCERPT_CHARS = 140;

/** A user's notifications: the list, the unread count, and marking them read. */
export function createNotificationService(
  streams: UserStreams,
  messages: Messages,
) {
  /** Stored events as views; the excerpt is read from the message as it is now. */
  async function toViews(
    all: UserEvent[],
    readUpTo: number,
  ): Promise<NotificationView[]> {
    const events = all.filter((e): e is NotificationEvent =>
      e.kind === "notification.new"
    );
    const found = await Promise.all(
      events.map((e) =>
        messages.getMessage(e.notification.roomId, e.notification.messageSeq)
      ),
    );
    return events.map((e, i) => ({
      seq: e.seq,
      kind: e.notification.kind,
      roomId: e.notification.roomId,
      messageSeq: e.notification.messageSeq,
      from: e.notification.from,
      excerpt: found[i]?.text.slice(0, EXCERPT_CHARS) ?? "",
      at: new Date(e.at).toISOString(),
      read: e.seq <= readUpTo,
    }));
  }

  return {
    toViews,

    /** The newest notifications first (only unread ones when asked), with the unread count. */
    async listNotifications(
      user: User,
      opts: { limit: number; before?: number; unread?: boolean },
    ) {
      const { readUpTo, unread, head } = await streams.unreadNotifications(
        user.id,
      );
      const page = await streams.listUserEvents(
        user.id,
        opts.limit,
        opts.before,
      );
      const events = opts.unread
        ? page.items.filter((e) => e.seq > readUpTo)
        : page.items;
      return {
        items: await toViews(events, readUpTo),
        cursor: opts.unread && events.length < page.items.length
          ? null
          : page.cursor,
        unread,
        // The stream position the count reflects: later notification.new frames add to it.
        head,
      };
    },

    /** Marks every notification up to a seq read. */
    async markRead(user: User, upto: number): Promise<void> {
      await streams.markRead(user.id, upto);
    },
  };
}

/** The notification service's type. */
export type NotificationService = ReturnType<typeof createNotificationService>;
