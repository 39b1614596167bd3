import type { AuthorView, Page } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import { createLanes } from "./lanes.ts";
import type { RoomHead } from "./rooms.ts";
import { retryCommit, type Store } from "./store.ts";

/** A message as stored; seq is its place in the room's gap-free total order. */
export type Message = {
  id: string;
  roomId: string;
  seq: number;
  author: AuthorView;
  text: string;
  clientId: string;
  createdAt: number;
};

/** Largest page of messages one call returns. */
export const MESSAGE_PAGE_MAX = 200;

/** The messages repository. */
export function createMessages({ kv, clock, newId }: Store) {
  const lanes = createLanes();
  return {
    /**
     * Appends a message. Its seq comes from the room head, checked in the same commit that
     * stores it, so concurrent senders on any isolate get distinct consecutive numbers.
     * A repeated (author, clientId) returns the first message with created=false.
     * Returns null when the room has no head (unknown room).
     */
    createMessage(
      roomId: string,
      author: AuthorView,
      text: string,
      clientId: string,
    ) {
      const clientKey = keys.messageByClientId(roomId, author.id, clientId);
      return lanes.run(roomId, () =>
        retryCommit("room " + roomId, async () => {
          const [head, prior] = await kv.getMany<[RoomHead, number]>([
            keys.roomHead(roomId),
            clientKey,
          ]);
          if (prior.value !== null) {
            const original = await kv.get<Message>(
              keys.message(roomId, prior.value),
            );
            if (original.value) {
              return { message: original.value, created: false };
            }
          }
          if (head.value === null) return { message: null, created: false };
          const now = clock.now();
          const seq = head.value.seq + 1;
          const message: Message = {
            id: newId(),
            roomId,
            seq,
            author,
            text,
            clientId,
            createdAt: now,
          };
          const res = await kv.atomic()
            .check(head)
            .check(prior)
            .set(keys.message(roomId, seq), message)
            .set(
              keys.roomHead(roomId),
              { seq, lastMessageAt: now } satisfies RoomHead,
            )
            .set(clientKey, seq)
            .commit();
          return res.ok ? { message, created: true } : null;
        }));
    },

    /** The room's head (last seq), or null for an unknown room. */
    async getRoomHead(roomId: string): Promise<RoomHead | null> {
      return (await kv.get<RoomHead>(keys.roomHead(roomId))).value;
    },

    /**
     * A page of messages in ascending seq. With `after`, the first `limit` after it and a
     * cursor to continue forward; otherwise the last `limit` before `before` (or the newest)
     * and a cursor to continue backward.
     */
    async listMessages(
      roomId: string,
      opts: { after?: number; before?: number; limit: number },
    ): Promise<Page<Message>> {
      const prefix = keys.messagesPrefix(roomId);
      const limit = Math.min(opts.limit, MESSAGE_PAGE_MAX);
      const forward = opts.after !== undefined;
      const selector: Deno.KvListSelector = forward
        ? { prefix, start: keys.message(roomId, opts.after! + 1) }
        : opts.before !== undefined
        ? { prefix, end: keys.message(roomId, opts.before) }
        : { prefix };
      const items: Message[] = [];
      const iter = kv.list<Message>(selector, {
        limit: limit + 1,
        reverse: !forward,
      });
      for await (const e of iter) items.push(e.value);
      const more = items.length > limit;
      if (more) items.pop();
      if (!forward) items.reverse();
      const edge = forward ? items[items.length - 1] : items[0];
      return { items, cursor: more && edge ? String(edge.seq) : null };
    },

    /** Messages with seq in (afterSeq, uptoSeq], ascending; the fan-out reads through this. */
    async listMessagesBetween(
      roomId: string,
      afterSeq: number,
      uptoSeq: number,
    ) {
      const items: Message[] = [];
      const iter = kv.list<Message>({
        start: keys.message(roomId, afterSeq + 1),
        end: keys.message(roomId, uptoSeq + 1),
      }, { batchSize: 500 });
      for await (const e of iter) items.push(e.value);
      return items;
    },
  };
}

/** The messages repository's type. */
export type Messages = ReturnType<typeof createMessages>;
