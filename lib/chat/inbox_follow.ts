import { keys } from "../db/keys.ts";
import type { Membership } from "../db/members.ts";
import type { RoomHead } from "../db/room_log.ts";
import { getManyBatched } from "../db/store.ts";
import type { User } from "../db/users.ts";
import { MAX_INBOX_FOLLOWS } from "../shared/protocol.ts";
import { inboxActivityText } from "./frames.ts";
import { itemFor } from "./room_feed.ts";
import type { Session, Subscription } from "./session.ts";
import type { SubscribeDeps } from "./subscriptions.ts";

/** A socket's inbox: a quiet follower on each of the user's room logs. */
export type InboxFollow = {
  /** Starts following a room the user just joined (from their stream's inbox.changed). */
  follow(roomId: string): Promise<void>;
  stop(): void;
};

/**
 * Follows every room the user belongs to (the newest MAX_INBOX_FOLLOWS) and sends one
 * inbox.activity per new message, so inbox counts and previews move live. It shares each
 * room's feed with the room's own subscribers and holds no frames of its own: a follower
 * only forwards the activity frame the first inbox built for that event.
 */
export async function followInbox(
  session: Session,
  { services, hub }: SubscribeDeps,
  user: User,
): Promise<InboxFollow | null> {
  const { kv } = services.store;
  const subs = new Map<string, Subscription>();
  let stopped = false;

  async function start(roomIds: string[]) {
    const entries = await getManyBatched<unknown>(
      kv,
      roomIds.flatMap((
        id,
      ) => [keys.roomHead(id), keys.roomMember(id, user.id)]),
    );
    if (stopped) return;
    roomIds.forEach((roomId, i) => {
      const head = entries[2 * i].value as RoomHead | null;
      const m = entries[2 * i + 1].value as Membership | null;
      if (!head || !m || subs.has(roomId)) return;
      if (subs.size >= MAX_INBOX_FOLLOWS) return;
      const sub = hub.subscribeRoom(roomId, {
        cursor: head.seq,
        userId: user.id,
        joinSeq: m.joinSeq ?? 0,
        deliver(item) {
          // A shadow message is its author's alone: everyone else's inbox ignores it.
          const text = inboxActivityText(itemFor(item, user.id));
          if (text) session.sendText(text);
          return true;
        },
        // A gap in a log the inbox follows costs nothing: the next message still arrives.
        resync() {},
        ended() {
          subs.get(roomId)?.stop();
          subs.delete(roomId);
          session.send({ type: "inbox.removed", room: roomId });
        },
      });
      subs.set(roomId, sub);
    });
  }

  const rooms: { id: string; at: number }[] = [];
  for await (
    const e of kv.list<Membership>({
      prefix: keys.roomsByMemberPrefix(user.id),
    }, { limit: MAX_INBOX_FOLLOWS * 4 })
  ) rooms.push({ id: e.key[2] as string, at: e.value.joinedAt });
  // Without reading every head, the newest joins stand in for the most active rooms.
  rooms.sort((a, b) => b.at - a.at);
  if (!session.isOpen()) return null;
  await start(rooms.slice(0, MAX_INBOX_FOLLOWS).map((r) => r.id));
  if (!session.isOpen()) {
    stopAll();
    return null;
  }
  session.send({ type: "inbox.subscribed", rooms: subs.size });

  function stopAll() {
    stopped = true;
    for (const s of subs.values()) s.stop();
    subs.clear();
  }

  return {
    follow: (roomId) => start([roomId]),
    stop: stopAll,
  };
}
