import { keys } from "../db/keys.ts";
import type { Membership } from "../db/members.ts";
import type { ProximityRoom, Room } from "../db/rooms.ts";
import type { Store } from "../db/store.ts";

/** The queue message that purges an ended event room. */
export type PurgeMessage = { type: "purge_room"; roomId: string };

/** Whether a queue message is a purge (queues carry any value; ignore what is not ours). */
export const isPurgeMessage = (m: unknown): m is PurgeMessage =>
  typeof m === "object" && m !== null &&
  (m as PurgeMessage).type === "purge_room" &&
  typeof (m as PurgeMessage).roomId === "string";

/** KV refuses a queue delay over 30 days; a purge due later is re-enqueued when it comes. */
const MAX_DELAY_MS = 29 * 86_400_000;

/** Deletes per commit: far below KV's 1,000 mutations. */
const BATCH = 400;

/** What a purge reports, for the log. */
export type PurgeOutcome =
  | { done: false; retryInMs: number }
  | { done: true; deleted: number };

/**
 * Purges event rooms some time after they end: a `kv.enqueue` with a delay at creation, and a
 * handler that deletes the room's messages, log and memberships in bounded batches. Delivery
 * is at-least-once and may come early (a clock change, a redelivery), so the handler checks
 * the time, re-enqueues when early, and answers done for a room already gone.
 */
export function createRoomPurge(
  { kv, clock }: Store,
  opts: { retentionMs: number },
) {
  const dueAt = (room: { expiresAt: number | null }) =>
    room.expiresAt === null ? null : room.expiresAt + opts.retentionMs;

  async function deletePrefix(prefix: Deno.KvKey): Promise<number> {
    let n = 0;
    for (;;) {
      const batch: Deno.KvKey[] = [];
      for await (const e of kv.list({ prefix }, { limit: BATCH })) {
        batch.push(e.key);
      }
      if (batch.length === 0) return n;
      const op = kv.atomic();
      for (const k of batch) op.delete(k);
      await op.commit();
      n += batch.length;
    }
  }

  return {
    retentionMs: opts.retentionMs,

    /** Schedules the purge of an event room (rooms without an end are never purged). */
    async schedule(room: ProximityRoom): Promise<void> {
      const due = dueAt(room);
      if (due === null) return;
      const msg: PurgeMessage = { type: "purge_room", roomId: room.id };
      await kv.enqueue(msg, {
        delay: Math.min(MAX_DELAY_MS, Math.max(0, due - clock.now())),
      });
    },

    /**
     * Purges the room if its time has come (or at once with `force`: an operator deleting
     * it); idempotent.
     */
    async purge(
      roomId: string,
      opts: { force?: boolean } = {},
    ): Promise<PurgeOutcome> {
      const room = (await kv.get<Room>(keys.room(roomId))).value;
      if (!room) return { done: true, deleted: 0 };
      const due = opts.force ? clock.now() : dueAt(room);
      if (due === null) return { done: true, deleted: 0 };
      const now = clock.now();
      if (now < due) {
        const msg: PurgeMessage = { type: "purge_room", roomId };
        await kv.enqueue(msg, { delay: Math.min(MAX_DELAY_MS, due - now) });
        return { done: false, retryInMs: due - now };
      }
      let deleted = 0;
      // Memberships first, both directions, so nobody's inbox lists a half-purged room.
      for await (
        const e of kv.list<Membership>({
          prefix: keys.roomMembersPrefix(roomId),
        })
      ) {
        const userId = e.key[2] as string;
        await kv.atomic().delete(e.key).delete(
          keys.roomByMember(userId, roomId),
        )
          .delete(keys.inboxHidden(userId, roomId)).commit();
        deleted += 2;
      }
      for (
        const prefix of [
          keys.messagesPrefix(roomId),
          keys.roomEventsPrefix(roomId),
          ["message_edits", roomId],
          ["reactions", roomId],
          keys.roomPinsPrefix(roomId),
          ["thread_replies", roomId],
          ["messages_by_category", roomId],
          ["messages_by_client_id", roomId],
          keys.readMarksPrefix(roomId),
          keys.roomPresencePrefix(roomId),
          keys.roomBansPrefix(roomId),
          ["slow_mode_last", roomId],
          ["room_join_windows", roomId],
          ["room_peeks", roomId],
        ] as Deno.KvKey[]
      ) deleted += await deletePrefix(prefix);
      // The embed settings and their origin index go too, so no site can frame it.
      const embed =
        (await kv.get<{ origins: string[] }>(keys.roomEmbed(roomId)))
          .value;
      const op = kv.atomic()
        .delete(keys.roomEmbed(roomId))
        .delete(keys.room(roomId))
        .delete(keys.roomHead(roomId))
        .delete(keys.roomMemberCount(roomId))
        .delete(keys.roomOwnerCount(roomId))
        .delete(keys.raidShield(roomId))
        .delete(keys.roomSecret(roomId));
      if ("geohash" in room) {
        op.delete(keys.roomByGeohash(room.geohash, roomId));
      }
      for (const o of embed?.origins ?? []) {
        op.delete(keys.embedOriginRoom(o, roomId));
      }
      await op.commit();
      return { done: true, deleted: deleted + 6 };
    },
  };
}

/** The room purge's type. */
export type RoomPurge = ReturnType<typeof createRoomPurge>;
