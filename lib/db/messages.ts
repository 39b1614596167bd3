import { conflict, notFound } from "../shared/errors.ts";
import type { AuthorView, MessageCategory, Page } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import type { Message, RoomEventBody, RoomHead, RoomLog } from "./room_log.ts";
import { getManyBatched, type Store } from "./store.ts";
import { countMessage } from "./stats.ts";
import { appendUserEvent, type UserHead } from "./user_stream.ts";

export type { Message } from "./room_log.ts";

/** Largest page of messages one call returns. */
export const MESSAGE_PAGE_MAX = 200;

/** A send's idempotency record lives this long: retries come within seconds, not days. */
export const CLIENT_ID_TTL_MS = 24 * 3_600_000;

/** What a new message needs besides its room. */
export type NewMessage = {
  author: AuthorView;
  text: string;
  clientId: string;
  category: MessageCategory;
  threadRoot?: number;
  /** Ids of mentioned members to notify (deduplicated, the author excluded, at most 5). */
  mentions: string[];
  /** Keys read with the head that may refuse the send or change with it (a DM's request, slow mode). */
  gates?: MessageGate[];
  /** A shadow-banned author's message: stored and shown to them alone. */
  shadow?: boolean;
};

/**
 * Decides inside the send's commit from the gate key's value: throws to refuse, or answers
 * a value to store under the key (null deletes it) and events to append after the message.
 */
export type MessageGate = {
  key: Deno.KvKey;
  decide(
    value: unknown,
    now: number,
  ): { set?: unknown; expireIn?: number; events?: RoomEventBody[] };
};

type ClientRecord = { seq: number; expiresAt: number } | number;

/** The messages repository: sends, reads and history, all through the room log. */
export function createMessages({ kv, newId }: Store, log: RoomLog) {
  async function getMessage(roomId: string, seq: number) {
    return (await kv.get<Message>(keys.message(roomId, seq))).value;
  }

  /** The thread root a reply joins: replying to a reply joins its root. */
  async function rootOf(roomId: string, m: Message | null) {
    if (m?.threadRoot) return await getMessage(roomId, m.threadRoot);
    return m;
  }

  async function page(
    prefix: Deno.KvKey,
    opts: { after?: number; before?: number; limit: number },
    load: (e: Deno.KvEntry<unknown>[]) => Promise<Message[]>,
  ): Promise<Page<Message>> {
    const limit = Math.min(opts.limit, MESSAGE_PAGE_MAX);
    const forward = opts.after !== undefined;
    const selector: Deno.KvListSelector = forward
      ? { prefix, start: [...prefix, opts.after! + 1] }
      : opts.before !== undefined
      ? { prefix, end: [...prefix, opts.before] }
      : { prefix };
    const entries: Deno.KvEntry<unknown>[] = [];
    const iter = kv.list(selector, { limit: limit + 1, reverse: !forward });
    for await (const e of iter) entries.push(e);
    const more = entries.length > limit;
    if (more) entries.pop();
    if (!forward) entries.reverse();
    const items = await load(entries);
    const edge = forward ? entries.at(-1) : entries[0];
    const cursor = more && edge ? String(edge.key.at(-1)) : null;
    return { items, cursor };
  }

  /** Messages by seq, in the order given; missing ones are left out. */
  async function getMessages(roomId: string, seqs: number[]) {
    return (await getManyBatched<Message>(
      kv,
      seqs.map((seq) => keys.message(roomId, seq)),
    )).flatMap((m) => m.value ? [m.value] : []);
  }

  // Index entries end in the message's seq; the messages themselves live elsewhere.
  const byIndex = (roomId: string) => (e: Deno.KvEntry<unknown>[]) =>
    getMessages(roomId, e.map((x) => x.key.at(-1) as number));

  return {
    getMessage,

    /**
     * Appends a message (and, for a reply, the root's thread.updated) to the room log and
     * notifies mentioned members on their own streams in the same commit. A repeated
     * (author, clientId) within a day returns the first message with created=false.
     */
    async createMessage(roomId: string, input: NewMessage) {
      const clientKey = keys.messageByClientId(
        roomId,
        input.author.id,
        input.clientId,
      );
      const root = input.threadRoot
        ? await rootOf(roomId, await getMessage(roomId, input.threadRoot))
        : null;
      if (input.threadRoot && !root) throw notFound("Message");
      const shadow = input.shadow === true;
      // A shadow message notifies nobody and moves nothing anyone else sees.
      const mentions = shadow ? [] : [...new Set(input.mentions)]
        .filter((id) => id !== input.author.id).slice(0, 5);
      const gates = input.gates ?? [];
      const { result } = await log.change<
        { message: Message; created: boolean }
      >(roomId, [
        clientKey,
        ...(root ? [keys.message(roomId, root.seq)] : []),
        ...mentions.map((id) => keys.userHead(id)),
        ...gates.map((g) => g.key),
      ], async ({ entries, now, nextSeq, head }) => {
        const prior = entries[0].value as ClientRecord | null;
        const priorSeq = typeof prior === "number" ? prior : prior?.seq;
        if (
          priorSeq !== undefined &&
          (typeof prior === "number" || prior!.expiresAt > now)
        ) {
          const original = await getMessage(roomId, priorSeq);
          if (original) return { done: { message: original, created: false } };
        }
        const rootNow = root ? entries[1].value as Message | null : null;
        if (root && (!rootNow || rootNow.deleted)) {
          throw conflict("message_deleted", "That message was deleted");
        }
        // Gate keys are only written through this room's log, so the head check covers them.
        const gateEntries = entries.slice(entries.length - gates.length);
        const gated = gates.map((g, i) => g.decide(gateEntries[i].value, now));
        const message: Message = {
          id: newId(),
          roomId,
          seq: nextSeq,
          author: input.author,
          text: input.text,
          clientId: input.clientId,
          createdAt: now,
          category: input.category,
          threadRoot: rootNow?.seq ?? null,
          replyCount: 0,
          lastReplyAt: null,
          editedAt: null,
          deleted: false,
          pinned: false,
          reactions: [],
          mentions,
          editSeqs: [],
          ...(shadow ? { shadow: true } : { n: (head.messageCount ?? 0) + 1 }),
        };
        const heads = entries.slice(
          root ? 2 : 1,
          (root ? 2 : 1) + mentions.length,
        ) as Deno.KvEntryMaybe<
          UserHead
        >[];
        // A shadow reply stays in the thread's index (its author sees it) but counts for nobody.
        const updatedRoot = rootNow && !shadow && {
          ...rootNow,
          replyCount: rootNow.replyCount + 1,
          lastReplyAt: now,
        };
        const onlyFor = shadow ? { onlyFor: input.author.id } : {};
        return {
          result: { message, created: true },
          touch: !shadow,
          checks: heads,
          events: [
            { kind: "message.new", message, ...onlyFor },
            ...(updatedRoot
              ? [{
                kind: "thread.updated" as const,
                rootSeq: updatedRoot.seq,
                replyCount: updatedRoot.replyCount,
                lastReplyAt: now,
              }]
              : []),
            ...gated.flatMap((g) => g.events ?? []),
          ],
          mutate(op) {
            op.set(keys.message(roomId, message.seq), message)
              .set(clientKey, {
                seq: message.seq,
                expiresAt: now + CLIENT_ID_TTL_MS,
              }, {
                expireIn: CLIENT_ID_TTL_MS,
              })
              .set(
                keys.messageByCategory(roomId, message.category, message.seq),
                1,
              )
              // Sending reads everything before it: own messages never count as unread.
              .set(keys.readMark(roomId, input.author.id), {
                seq: message.seq,
                n: message.n ?? head.messageCount ?? 0,
                at: now,
              });
            gated.forEach((g, i) => {
              if (g.set === null) op.delete(gates[i].key);
              else if (g.set !== undefined) {
                op.set(gates[i].key, g.set, { expireIn: g.expireIn });
              }
            });
            if (updatedRoot) {
              op.set(keys.message(roomId, updatedRoot.seq), updatedRoot);
            }
            if (rootNow) {
              op.set(keys.threadReply(roomId, rootNow.seq, message.seq), 1);
            }
            if (!shadow) countMessage(op, roomId, now);
            heads.forEach((h, i) =>
              appendUserEvent(op, mentions[i], h, {
                kind: "mention",
                roomId,
                messageSeq: message.seq,
                from: input.author,
              }, now)
            );
          },
        };
      });
      return result;
    },

    /** The room's head, or null for an unknown room. */
    async getRoomHead(roomId: string): Promise<RoomHead | null> {
      return (await kv.get<RoomHead>(keys.roomHead(roomId))).value;
    },

    /**
     * A page of messages in ascending seq, optionally one category's. With `after`, the
     * first `limit` after it; otherwise the last `limit` before `before` (or the newest).
     */
    listMessages(
      roomId: string,
      opts: {
        after?: number;
        before?: number;
        limit: number;
        category?: MessageCategory;
      },
    ): Promise<Page<Message>> {
      if (opts.category) {
        const prefix = keys.messagesByCategoryPrefix(roomId, opts.category);
        return page(prefix, opts, byIndex(roomId));
      }
      return page(
        keys.messagesPrefix(roomId),
        opts,
        (e) => Promise.resolve(e.map((x) => x.value as Message)),
      );
    },

    /** A page of a thread's replies in ascending seq, after an optional reply seq. */
    listThread(roomId: string, rootSeq: number, after: number, limit: number) {
      const prefix = keys.threadRepliesPrefix(roomId, rootSeq);
      return page(prefix, { after, limit }, byIndex(roomId));
    },

    getMessages,
  };
}

/** The messages repository's type. */
export type Messages = ReturnType<typeof createMessages>;
