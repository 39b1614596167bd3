import { conflict, notFound, unprocessable } from "../shared/errors.ts";
import type { AuthorView, ReactionSummary } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import type { Message, RoomEvent, RoomLog } from "./room_log.ts";
import { getManyBatched, type Store } from "./store.ts";

/** Edits one message may have; its history is kept for moderators. */
export const MAX_EDITS = 50;
/** Distinct emojis on one message. */
export const MAX_EMOJIS = 20;
/** Reactor ids a reaction summary lists (the count stays exact beyond it). */
export const MAX_REACTORS_LISTED = 25;
/** Pinned messages per room. */
export const MAX_PINS = 50;
/** Reaction entries a delete removes in its own commit (they hold no text). */
const MAX_REACTIONS_SCRUBBED = 400;

/** A check the caller makes on the message as read inside the commit (rights, usually). */
export type Guard = (m: Message) => void;

/** A previous text of an edited message. */
export type MessageEdit = { text: string; editedAt: number };

/** The message must exist and not be deleted. */
function live(m: Message | null): Message {
  if (!m) throw notFound("Message");
  if (m.deleted) throw conflict("message_deleted", "That message was deleted");
  return m;
}

/** The reaction summary after one user's emoji is set or cleared. */
export function applyReaction(
  list: ReactionSummary[],
  emoji: string,
  userId: string,
  on: boolean,
): ReactionSummary[] {
  const at = list.findIndex((r) => r.emoji === emoji);
  const cur = at >= 0 ? list[at] : { emoji, count: 0, by: [] };
  if (on && at < 0 && list.length >= MAX_EMOJIS) {
    throw unprocessable("too_many_reactions", "This message has enough emoji");
  }
  const by = on
    ? (cur.by.length < MAX_REACTORS_LISTED ? [...cur.by, userId] : cur.by)
    : cur.by.filter((id) => id !== userId);
  const next = { emoji, count: cur.count + (on ? 1 : -1), by };
  const rest = list.filter((r) => r.emoji !== emoji);
  if (next.count <= 0) return rest;
  return at >= 0 ? list.map((r, i) => i === at ? next : r) : [...list, next];
}

/** A shadow message's events reach its author alone. */
const onlyFor = (m: Message) => m.shadow ? { onlyFor: m.author.id } : {};

/** Edits, deletes, reactions and pins: each one checked commit on the room log. */
export function createMessageActions({ kv }: Store, log: RoomLog) {
  const msgKey = keys.message;
  return {
    /** Replaces a message's text, keeping the old text in its edit history. */
    editMessage(roomId: string, seq: number, text: string, guard: Guard) {
      return log.change<Message>(
        roomId,
        [msgKey(roomId, seq)],
        ({ entries, now, nextSeq }) => {
          const m = live(entries[0].value as Message | null);
          guard(m);
          if (m.text === text) return { done: m };
          if (m.editSeqs.length >= MAX_EDITS) {
            throw unprocessable("edit_limit", `At most ${MAX_EDITS} edits`);
          }
          const next = {
            ...m,
            text,
            editedAt: now,
            editSeqs: [...m.editSeqs, nextSeq],
          };
          return {
            result: next,
            events: [{ kind: "message.edited", message: next, ...onlyFor(m) }],
            mutate(op) {
              const old: MessageEdit = {
                text: m.text,
                editedAt: m.editedAt ?? m.createdAt,
              };
              op.set(msgKey(roomId, seq), next)
                .set(keys.messageEdit(roomId, seq, nextSeq), old);
            },
          };
        },
      );
    },

    /**
     * Tombstones a message: its text, edit history and reactions leave storage, and the log's
     * earlier events that carried its text are rewritten to the tombstone.
     */
    deleteMessage(
      roomId: string,
      seq: number,
      guard: Guard,
      opts: { author?: AuthorView } = {},
    ) {
      return log.change<Message>(
        roomId,
        [msgKey(roomId, seq)],
        async ({ entries, now, nextSeq }) => {
          const m = entries[0].value as Message | null;
          if (!m) throw notFound("Message");
          guard(m);
          const author = opts.author ?? m.author;
          // An existing tombstone is rewritten only to replace its author (account deletion).
          const same = author.id === m.author.id &&
            author.handle === m.author.handle &&
            author.displayName === m.author.displayName;
          if (m.deleted && same) {
            return { done: m };
          }
          const tomb: Message = {
            ...m,
            author,
            text: "",
            deleted: true,
            pinned: false,
            reactions: [],
            mentions: [],
            // A tombstone remembers its message.deleted, so a later rewrite reaches it too.
            editSeqs: m.deleted ? m.editSeqs : [nextSeq],
          };
          const carried = await getManyBatched<RoomEvent>(
            kv,
            [m.seq, ...m.editSeqs].map((s) => keys.roomEvent(roomId, s)),
          );
          const stale = [
            ...await listKeys(keys.messageEditsPrefix(roomId, seq)),
            ...await listKeys(
              keys.reactionsPrefix(roomId, seq),
              MAX_REACTIONS_SCRUBBED,
            ),
          ];
          return {
            result: tomb,
            events: m.deleted
              ? []
              : [{ kind: "message.deleted", message: tomb, ...onlyFor(tomb) }],
            mutate(op) {
              op.set(msgKey(roomId, seq), tomb);
              if (m.pinned) op.delete(keys.roomPin(roomId, seq));
              for (const k of stale) op.delete(k);
              for (const e of carried) {
                if (!e.value || !("message" in e.value)) continue;
                const left = Math.max(1, e.value.expiresAt - now);
                op.set(e.key, { ...e.value, message: tomb }, {
                  expireIn: left,
                });
              }
            },
          };
        },
      );
    },

    /** Sets or clears one user's emoji on a message; no event when nothing changes. */
    setReaction(
      roomId: string,
      seq: number,
      userId: string,
      emoji: string,
      on: boolean,
      guard: Guard,
    ) {
      const rKey = keys.reaction(roomId, seq, emoji, userId);
      return log.change<Message>(
        roomId,
        [msgKey(roomId, seq), rKey],
        ({ entries, now }) => {
          const m = live(entries[0].value as Message | null);
          guard(m);
          if ((entries[1].value !== null) === on) return { done: m };
          const reactions = applyReaction(m.reactions, emoji, userId, on);
          const next = { ...m, reactions };
          return {
            result: next,
            events: [{
              kind: "reaction.updated",
              messageSeq: seq,
              emoji,
              userId,
              on,
              reactions,
            }],
            mutate(op) {
              op.set(msgKey(roomId, seq), next);
              if (on) op.set(rKey, now);
              else op.delete(rKey);
            },
          };
        },
      );
    },

    /** Pins or unpins a message; no event when nothing changes. */
    setPin(
      roomId: string,
      seq: number,
      by: string,
      pinned: boolean,
      guard: Guard,
    ) {
      return log.change<Message>(
        roomId,
        [msgKey(roomId, seq)],
        async ({ entries, now }) => {
          const m = live(entries[0].value as Message | null);
          guard(m);
          if (m.pinned === pinned) return { done: m };
          if (
            pinned &&
            (await listKeys(keys.roomPinsPrefix(roomId), MAX_PINS)).length >=
              MAX_PINS
          ) {
            throw unprocessable(
              "pin_limit",
              `At most ${MAX_PINS} pins per room`,
            );
          }
          const next = { ...m, pinned };
          return {
            result: next,
            events: [{ kind: "pin.updated", messageSeq: seq, pinned, by }],
            mutate(op) {
              op.set(msgKey(roomId, seq), next);
              if (pinned) op.set(keys.roomPin(roomId, seq), { by, at: now });
              else op.delete(keys.roomPin(roomId, seq));
            },
          };
        },
      );
    },

    /** Who reacted with what, emoji by emoji (user ids, at most `limit` per message). */
    async listReactions(roomId: string, seq: number, limit = 1000) {
      const out = new Map<string, string[]>();
      const iter = kv.list({ prefix: keys.reactionsPrefix(roomId, seq) }, {
        limit,
      });
      for await (const e of iter) {
        const [emoji, userId] = e.key.slice(-2) as [string, string];
        out.set(emoji, [...(out.get(emoji) ?? []), userId]);
      }
      return [...out].map(([emoji, userIds]) => ({ emoji, userIds }));
    },

    /** A message's earlier texts, oldest first. */
    async listEdits(roomId: string, seq: number): Promise<MessageEdit[]> {
      const items: MessageEdit[] = [];
      const iter = kv.list<MessageEdit>({
        prefix: keys.messageEditsPrefix(roomId, seq),
      });
      for await (const e of iter) items.push(e.value);
      return items;
    },

    /** Seqs of a room's pinned messages, oldest pin first by seq. */
    async listPinSeqs(roomId: string): Promise<number[]> {
      return (await listKeys(keys.roomPinsPrefix(roomId), MAX_PINS))
        .map((k) => k.at(-1) as number);
    },
  };

  async function listKeys(prefix: Deno.KvKey, limit = 1000) {
    const out: Deno.KvKey[] = [];
    for await (const e of kv.list({ prefix }, { limit })) out.push(e.key);
    return out;
  }
}

/** The message actions repository's type. */
export type MessageActions = ReturnType<typeof createMessageActions>;
