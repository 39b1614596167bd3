import { keys } from "../db/keys.ts";
import type { Message, MessageGate, Messages } from "../db/messages.ts";
import type { Room } from "../db/rooms.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import { epochOf } from "../db/room_log.ts";
import type { Store } from "../db/store.ts";
import type { User } from "../db/users.ts";
import { isoOrNull } from "../shared/clock.ts";
import { forbidden, notFound } from "../shared/errors.ts";
import { extractMentions } from "../shared/mentions.ts";
import type {
  MessageCategory,
  MessageView,
  Page,
  RoomHeadView,
  SendMessageInput,
} from "../shared/schemas.ts";
import { floodGate } from "./flags.ts";
import { LIMITS } from "./limits.ts";
import {
  requireVisible,
  silenced,
  slowModeWait,
  visibleTo,
} from "./moderation_rules.ts";
import type { Membership, RoomRole } from "../db/members.ts";
import { can, kindOf } from "./policy.ts";
import { authorOf, roleOf, type RoomService } from "./rooms.ts";

/** Members a message may notify by @handle. */
export const MAX_NOTIFIED_MENTIONS = 5;

/** A stored message as clients see it. */
export function toMessageView(m: Message): MessageView {
  return {
    id: m.id,
    roomId: m.roomId,
    seq: m.seq,
    author: m.author,
    text: m.text,
    clientId: m.clientId,
    createdAt: new Date(m.createdAt).toISOString(),
    category: m.category ?? "social",
    threadRoot: m.threadRoot ?? null,
    replyCount: m.replyCount ?? 0,
    lastReplyAt: isoOrNull(m.lastReplyAt ?? null),
    editedAt: isoOrNull(m.editedAt ?? null),
    deleted: m.deleted ?? false,
    pinned: m.pinned ?? false,
    reactions: m.reactions ?? [],
    mentions: m.mentions ?? [],
  };
}

/** What a send into a direct conversation must pass (the conversation service). */
export type DirectRules = {
  /** Refuses the send when either side blocked the other; any other room passes. */
  refuseBlocked(user: User, room: Room): Promise<void>;
  /** The message request's gate of the send's commit; undefined for any other room. */
  requestGate(user: User, room: Room): MessageGate | undefined;
};

const NO_DIRECT_RULES: DirectRules = {
  refuseBlocked: () => Promise.resolve(),
  requestGate: () => undefined,
};

/** What admission, in the send's commit, found: the room, the sender's role, shadow or not. */
type Admitted = { room: Room; role: RoomRole; shadow: boolean };

/** Sending and reading messages, shared by the HTTP API and the socket server. */
export function createChatService(
  { kv, clock }: Store,
  messages: Messages,
  rooms: RoomService,
  limits: RateLimits,
  /** A direct conversation's rules for a send: blocks, and its request inside the commit. */
  direct: DirectRules = NO_DIRECT_RULES,
  /**
   * Told of every new message others can see (the automatic flag rules), with its number in
   * its author's flood window for the room, counted in the send's commit.
   */
  onSent: (message: Message, floodCount: number) => void = () => {},
) {
  /** The sender's membership, read in the send's commit: a mute or hold there refuses it. */
  const memberGate = (
    user: User,
    roomId: string,
    admitted: () => Admitted,
  ): MessageGate => ({
    key: keys.roomMember(roomId, user.id),
    decide(value, now) {
      const m = value as Membership | null;
      if (!m) throw forbidden("not_member", "Join this room first");
      const why = silenced(m, now);
      if (why) throw why;
      // A proximity room's member posts only while their location lease holds.
      const { room } = admitted();
      if (!rooms.leaseHolds(room, roleOf(room, user.id, m), m, now)) {
        throw forbidden(
          "location_stale",
          "Confirm you are still here to post again",
          { leaseHours: rooms.leaseMs / 3_600_000 },
        );
      }
      return {};
    },
  });

  /**
   * Slow mode: a member's last send in the room, read and moved in the send's commit; a room
   * without slow mode, or a role it does not hold back, passes untouched.
   */
  const slowGate = (
    user: User,
    roomId: string,
    admitted: () => Admitted,
  ): MessageGate => ({
    key: keys.slowModeLast(roomId, user.id),
    decide(value, now) {
      const { room, role } = admitted();
      const s = room.slowModeS ?? 0;
      if (!s || can(kindOf(room), role, "slow_mode")) return {};
      const wait = slowModeWait(value as number | null, s, now);
      if (wait) throw wait;
      return { set: now, expireIn: s * 1_000 + 60_000 };
    },
  });

  /** Ids of the room's members named by @handle in the text (never the author). */
  async function resolveMentions(roomId: string, text: string, author: User) {
    const handles = extractMentions(text).filter((h) =>
      h !== author.handle.toLowerCase()
    ).slice(0, MAX_NOTIFIED_MENTIONS * 2);
    if (handles.length === 0) return [];
    const ids = (await kv.getMany<string[]>(
      handles.map((h) => keys.userByHandle(h)),
    )).flatMap((e) => e.value ? [e.value] : []);
    if (ids.length === 0) return [];
    const [members, blocks] = await Promise.all([
      kv.getMany(ids.map((id) => keys.roomMember(roomId, id))),
      // Someone who blocked the author is never notified by them.
      kv.getMany(ids.map((id) => keys.block(id, author.id))),
    ]);
    return ids.filter((_, i) =>
      members[i].value !== null && blocks[i].value === null
    ).slice(0, MAX_NOTIFIED_MENTIONS);
  }

  /**
   * The room and the sender's role, from the room, membership and account the send's commit
   * read, refusing anyone who may not post there now (in this order: membership, the right
   * to post or announce, an ended room, the DM's blocks).
   */
  async function mayPost(
    user: User,
    [room, membership, account]: Deno.KvEntryMaybe<unknown>[],
    category: MessageCategory,
  ): Promise<Admitted> {
    const { role, ...read } = rooms.asMember(user, {
      room: room.value as Room | null,
      membership: membership.value as Membership | null,
      user: account.value as User | null,
    });
    const kind = kindOf(read.room);
    if (!can(kind, role, "post")) {
      throw forbidden("not_allowed", "You cannot post in this room");
    }
    if (category === "announcement" && !can(kind, role, "announce")) {
      throw forbidden("not_allowed", "Only room admins can announce");
    }
    rooms.requireOpen(read.room);
    await direct.refuseBlocked(user, read.room);
    // Read fresh with the room: a socket's user was loaded when it connected, before any
    // shadow ban.
    return {
      room: read.room,
      role,
      shadow: read.account?.shadowBanned === true,
    };
  }

  return {
    /**
     * Sends a message as a member; a reply joins its root's thread, an announcement needs the
     * right to announce, and mentioned members are notified. A retried clientId returns the
     * original (created=false). The room, membership and account are read with the room's
     * head, so a plain send is one read and one commit.
     */
    async sendMessage(user: User, roomId: string, input: SendMessageInput) {
      const category = input.category ?? "social";
      const mentions = await resolveMentions(roomId, input.text, user);
      // Found by admission in the commit (again on a retry); the gates after it read it.
      let found: Admitted | null = null;
      const admitted = () => found!;
      const flood = floodGate(roomId, user.id, clock.now());
      const { message, created } = await messages.createMessage(roomId, {
        author: authorOf(user),
        text: input.text,
        clientId: input.clientId,
        category,
        threadRoot: input.threadRoot,
        mentions,
        admit: {
          keys: [
            keys.room(roomId),
            keys.roomMember(roomId, user.id),
            keys.user(user.id),
          ],
          async check(entries) {
            found = await mayPost(user, entries, category);
            return { shadow: found.shadow };
          },
        },
        // The rate limit is counted in the send's commit: a refused or repeated send is free.
        gates: [
          limits.gate(LIMITS.send, user.id),
          // A guest (an embedded room's visitor) also has a stricter limit of its own.
          ...(user.guest ? [limits.gate(LIMITS.guestSend, user.id)] : []),
          memberGate(user, roomId, admitted),
          {
            key: keys.directState(roomId),
            decide(value, now) {
              const request = direct.requestGate(user, admitted().room);
              return request ? request.decide(value, now) : {};
            },
          },
          slowGate(user, roomId, admitted),
          // Last: only a message every other rule let through counts; a shadow message is
          // seen by nobody else, so it counts towards no flood.
          {
            key: flood.key,
            decide: (value, now) =>
              admitted().shadow ? {} : flood.decide(value, now),
          },
        ],
      });
      if (created && !admitted().shadow) onSent(message, flood.sent);
      return { message: toMessageView(message), created };
    },

    /** A page of a room's history (optionally one category), with the log head it reflects. */
    async listMessages(
      user: User,
      roomId: string,
      opts: {
        after?: number;
        before?: number;
        limit: number;
        category?: MessageCategory;
      },
    ): Promise<Page<MessageView> & { head: RoomHeadView }> {
      await rooms.requireReader(user, roomId);
      // The head is read first: the page reflects at least it, and later events re-apply safely.
      const head = await messages.getRoomHead(roomId);
      if (!head) throw notFound("Room");
      const page = await messages.listMessages(roomId, opts);
      return {
        items: page.items.filter((m) => visibleTo(m, user.id)).map(
          toMessageView,
        ),
        cursor: page.cursor,
        head: { seq: head.seq, epoch: epochOf(head) },
      };
    },

    /** One message, for members. */
    async getMessage(user: User, roomId: string, seq: number) {
      await rooms.requireReader(user, roomId);
      const m = requireVisible(await messages.getMessage(roomId, seq), user.id);
      return toMessageView(m);
    },

    /** A thread: its root and a page of replies after an optional reply seq. */
    async listThread(
      user: User,
      roomId: string,
      seq: number,
      opts: { after?: number; limit: number },
    ) {
      await rooms.requireReader(user, roomId);
      const m = requireVisible(await messages.getMessage(roomId, seq), user.id);
      const root = m.threadRoot
        ? requireVisible(
          await messages.getMessage(roomId, m.threadRoot),
          user.id,
        )
        : m;
      const page = await messages.listThread(
        roomId,
        root.seq,
        opts.after ?? 0,
        opts.limit,
      );
      return {
        root: toMessageView(root),
        items: page.items.filter((r) => visibleTo(r, user.id)).map(
          toMessageView,
        ),
        cursor: page.cursor,
      };
    },
  };
}

/** The chat service's type. */
export type ChatService = ReturnType<typeof createChatService>;
