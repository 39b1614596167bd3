import { keys } from "../db/keys.ts";
import type { Membership } from "../db/members.ts";
import { epochOf, type RoomHead } from "../db/room_log.ts";
import type { User } from "../db/users.ts";
import type { Services } from "../services/mod.ts";
import { notFound, unprocessable } from "../shared/errors.ts";
import { MAX_SUBSCRIPTIONS } from "../shared/protocol.ts";
import type { Hub } from "./hub.ts";
import { log } from "../log.ts";
import type { Session, Subscription } from "./session.ts";
import { followInbox } from "./inbox_follow.ts";
import { isPrivate } from "../services/policy.ts";

/** A resume further behind than this many events reloads a snapshot instead of replaying. */
export const MAX_RESUME_EVENTS = 10_000;

/** What subscribing needs: the services, this isolate's hub, and the connection's id. */
export type SubscribeDeps = { services: Services; hub: Hub; connId: string };

/** Whether `after` (with its epoch) can be resumed against this head without a gap. */
async function resumable(
  services: Services,
  roomId: string,
  head: { seq: number; epoch: string },
  after: number,
  epoch?: string,
) {
  if (epoch !== undefined && epoch !== head.epoch) return false;
  if (after > head.seq || head.seq - after > MAX_RESUME_EVENTS) return false;
  return after === head.seq ||
    await services.repos.log.canResumeFrom(roomId, after);
}

/**
 * Subscribes a session to a room's log from `after` (or the head): `subscribed` first, then
 * every later event in order; presence and receipts snapshots follow. Membership and head
 * are read in one consistent snapshot, so a leave that commits after it is in the feed.
 */
export async function subscribeRoom(
  session: Session,
  deps: SubscribeDeps,
  user: User,
  room: string,
  resume: { after?: number; epoch?: string },
) {
  const { services, hub, connId } = deps;
  if (!session.subs.has(room) && session.subs.size >= MAX_SUBSCRIPTIONS) {
    throw unprocessable(
      "too_many_subscriptions",
      `At most ${MAX_SUBSCRIPTIONS} rooms per connection`,
    );
  }
  const r = await services.rooms.requireRoom(room);
  const [m, h] = await services.store.kv.getMany<[Membership, RoomHead]>([
    keys.roomMember(room, user.id),
    keys.roomHead(room),
  ]);
  if (!m.value && isPrivate(r)) throw notFound("Room");
  // Someone peeking from inside the read radius reads without joining (and is not shown).
  const peeking = !m.value;
  if (peeking) await services.rooms.requireReader(user, room);
  if (!h.value) throw notFound("Room");
  const head = { seq: h.value.seq, epoch: epochOf(h.value) };
  const { after, epoch } = resume;
  const recovered = after === undefined ||
    await resumable(services, room, head, after, epoch);
  const cursor = after !== undefined && recovered ? after : head.seq;
  // Closed while we awaited: cleanup has run, so a subscription now would never be stopped.
  if (!session.isOpen()) return;
  session.subs.get(room)?.stop();
  // `subscribed` goes out before the feed can deliver: both happen in this one tick.
  session.send({
    type: "subscribed",
    room,
    seq: cursor,
    epoch: head.epoch,
    recovered,
  });
  const feed = hub.subscribeRoom(room, {
    cursor,
    userId: user.id,
    joinSeq: m.value?.joinSeq ?? 0,
    deliver: session.deliver,
    resync(seq) {
      session.send({
        type: "subscribed",
        room,
        seq,
        epoch: head.epoch,
        recovered: false,
      });
    },
    ended() {
      if (session.subs.get(room) !== sub) return;
      session.subs.delete(room);
      sub.stop();
      session.send({ type: "unsubscribed", room, reason: "left" });
    },
  });
  const unlisten = [
    hub.presence.listen(room, session.sendText),
    hub.ephemeral.listen(room, (text, frame) => {
      // Your own typing is not news to you.
      if (frame.type === "typing" && frame.user.id === user.id) return;
      session.sendText(text);
    }),
  ];
  let stopped = false;
  const sub: Subscription = {
    stop() {
      if (stopped) return;
      stopped = true;
      feed.stop();
      for (const u of unlisten) u();
      void hub.presence.exit(room, connId);
    },
    resume: feed.resume,
    readOnly: peeking,
  };
  session.subs.set(room, sub);
  if (peeking) return;
  // Snapshots may wait for a debounced presence read; the next frame need not wait for them.
  void sendSnapshots(session, deps, user, room, sub).catch((err) =>
    log.warn("ws.snapshot_failed", { room, error: String(err) })
  );
}

/** Sends a new subscription's presence and receipts snapshots, unless it ended meanwhile. */
async function sendSnapshots(
  session: Session,
  { services, hub, connId }: SubscribeDeps,
  user: User,
  room: string,
  sub: Subscription,
) {
  // Receipts first: the presence snapshot may wait for a debounced read.
  const marks = await services.receipts.listReceipts(user, room);
  if (session.subs.get(room) !== sub) return;
  session.send({ type: "receipts.state", room, marks });
  await hub.presence.enter(room, user.id, connId, session.status);
  const state = await hub.presence.snapshot(room);
  if (session.subs.get(room) !== sub) return;
  session.send(state);
}

/** Starts (or restarts) the session's inbox: inbox.subscribed, then inbox.activity frames. */
export async function subscribeInbox(
  session: Session,
  deps: SubscribeDeps,
  user: User,
) {
  const inbox = await followInbox(session, deps, user);
  if (!inbox) return;
  if (!session.isOpen()) return inbox.stop();
  // A second inbox.subscribe replaces the first.
  session.inbox?.stop();
  session.inbox = inbox;
}

/** Subscribes a session to the user's own stream: notification.new frames, resumable. */
export async function subscribeUserStream(
  session: Session,
  deps: SubscribeDeps,
  user: User,
  resume: { after?: number; epoch?: string },
) {
  const { services, hub } = deps;
  const head = await services.repos.streams.getUserHead(user.id);
  const { after, epoch } = resume;
  const recovered = after === undefined || (
    (epoch === undefined || epoch === head.epoch) && after <= head.seq &&
    (after === head.seq ||
      await services.repos.streams.canResumeFrom(user.id, after))
  );
  const cursor = after !== undefined && recovered ? after : head.seq;
  if (!session.isOpen()) return;
  session.userSub?.stop();
  session.send({
    type: "notifications.subscribed",
    seq: cursor,
    epoch: head.epoch,
    recovered,
  });
  session.userSub = hub.subscribeUser(user.id, {
    cursor,
    userId: user.id,
    joinSeq: 0,
    deliver(item) {
      // A conversation I was just added to joins the inbox's followed rooms.
      if (item.follow) void session.inbox?.follow(item.follow);
      return session.deliver(item);
    },
    resync(seq) {
      session.send({
        type: "notifications.subscribed",
        seq,
        epoch: head.epoch,
        recovered: false,
      });
    },
    ended() {},
  });
}
