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

/** Mentioned members one message notifies; each one's stream head is checked in its commit. */
const MAX_MENTIONS = 5;

/**
 * Checked gates one send may carry: a commit checks at most 10 entries, and the room's head
 * and up to MAX_MENTIONS stream heads take the rest.
 */
export const MAX_CHECKED_GATES = 9 - MAX_MENTIONS;

/** What a new message needs besides its room. */
export type NewMessage = {
  author: AuthorView;
  text: string;
  clientId: string;
  category: MessageCategory;
  threadRoot?: number;
  /** Ids of mentioned members to notify (deduplicated, the author excluded, at most 5). */
  mentions: string[];
  /**
   * Keys read with the head that may refuse the send or change with it (a DM's request, slow
   * mode, rate limits), decided in this order.
   */
  gates?: MessageGate[];
  /** A shadow-banned author's message: stored and shown to them alone. */
  shadow?: boolean;
  /**
   * Keys read with the head that decide whether the author may post here at all (the room,
   * their membership and account), checked first: `check` throws to refuse, and may find
   * the message to be a shadow one. Saves the send a read of its own before the commit.
   */
  admit?: {
    keys: Deno.KvKey[];
    check(
      entries: Deno.KvEntryMaybe<unknown>[],
      now: number,
    ): Promise<{ shadow: boolean }>;
  };
};

/**
 * Decides inside the send's commit from the gate key's value: throws to refuse, or answers
 * a value to store under the key (null deletes it) and events to append after the message.
 */
export type MessageGate = {
  key: Deno.KvKey;
  /**
   * Whether the commit checks the key's entry: needed when anything but this room's log
   * writes it (a user's rate counter moves with their sends in other rooms). Otherwise the
   * room's head check covers it. At most MAX_CHECKED_GATES per send.
   */
  checked?: boolean;
  decide(
    value: unknown,
    now: number,
  ): { set?: unknown; expireIn?: number; events?: RoomEventBody[] };
};

type ClientRecord = { seq: number; expiresAt: number } | number;

/** Decides every gate on its entry, in order; the first refusal throws. */
function decideGates(
  gates: MessageGate[],
  entries: Deno.KvEntryMaybe<unknown>[],
  now: number,
) {
  return {
    decided: gates.map((g, i) => g.decide(entries[i].value, now)),
    checks: entries.filter((_, i) => gates[i].checked),
  };
}

/** Stores what each gate decided under its key: a value, a deletion, or nothing. */
function writeGates(
  op: Deno.AtomicOperation,
  gates: MessageGate[],
  decided: ReturnType<MessageGate["decide"]>[],
) {
  decided.forEach((g, i) => {
    if (g.set === null) op.delete(gates[i].key);
    else if (g.set !== undefined) {
      op.set(gates[i].key, g.set, { expireIn: g.expireIn });
    }
  });
}

/** The messages repository: sends, reads and history, all through the room log. */
export function createMessages({ kv, newId }: Store, log: RoomLog) {
  async function getMessage(roomId: string, seq: number) {
    return (await kv.get<Message>(keys.message(roomId, seq))).value;
  }

  /**
   * The thread root a reply joins, from the replied-to message read in the send's commit:
   * replying to a reply joins its root. 404 for no such message, 409 for a deleted root.
   */
  async function rootOf(roomId: string, m: Message | null) {
    // Messages change only through the room's log: the head check covers this read too.
    const root = m?.threadRoot ? await getMessage(roomId, m.threadRoot) : m;
    if (!root) throw notFound("Message");
    if (root.deleted) {
      throw conflict("message_deleted", "That message was deleted");
    }
    return root;
  }

  /** The message a repeated (author, clientId) created, while its record lives. */
  async function originalOf(
    roomId: string,
    prior: ClientRecord | null,
    now: number,
  ) {
    if (prior === null) return null;
    if (typeof prior !== "number" && prior.expiresAt <= now) return null;
    return await getMessage(
      roomId,
      typeof prior === "number" ? prior : prior.seq,
    );
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
      const mentioned = [...new Set(input.mentions)]
        .filter((id) => id !== input.author.id).slice(0, MAX_MENTIONS);
      const gates = input.gates ?? [];
      const admit = input.admit;
      if (gates.filter((g) => g.checked).length > MAX_CHECKED_GATES) {
        throw new Error(`A send checks at most ${MAX_CHECKED_GATES} gates`);
      }
      const replied = input.threadRoot ?? null;
      // Entries: admission's, the client record, the replied-to message, mention heads, gates.
      const at = admit?.keys.length ?? 0;
      // Where the mention heads start once admission's entries are set aside.
      const base = replied ? 2 : 1;
      const { result } = await log.change<
        { message: Message; created: boolean }
      >(roomId, [
        ...(admit?.keys ?? []),
        clientKey,
        ...(replied ? [keys.message(roomId, replied)] : []),
        ...mentioned.map((id) => keys.userHead(id)),
        ...gates.map((g) => g.key),
      ], async ({ entries: read, now, nextSeq, head }) => {
        const admitted = admit
          ? await admit.check(read.slice(0, at), now)
          : { shadow: input.shadow === true };
        const shadow = admitted.shadow;
        // A shadow message notifies nobody and moves nothing anyone else sees.
        const mentions = shadow ? [] : mentioned;
        const entries = read.slice(at);
        const prior = entries[0].value as ClientRecord | null;
        const original = await originalOf(roomId, prior, now);
        if (original) return { done: { message: original, created: false } };
        const rootNow = replied
          ? await rootOf(roomId, entries[1].value as Message | null)
          : null;
        const heads = entries.slice(
          base,
          base + mentions.length,
        ) as Deno.KvEntryMaybe<UserHead>[];
        const gated = decideGates(
          gates,
          entries.slice(base + mentioned.length),
          now,
        );
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
          checks: [...heads, ...gated.checks],
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
            ...gated.decided.flatMap((g) => g.events ?? []),
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
            writeGates(op, gates, gated.decided);
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
