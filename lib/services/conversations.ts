import { type Blocks, MAX_BLOCKS } from "../db/blocks.ts";
import { keys } from "../db/keys.ts";
import type { Members, Membership, RoomRole } from "../db/members.ts";
import type { MessageGate } from "../db/messages.ts";
import type { RoomLog } from "../db/room_log.ts";
import type { DirectState, Room, Rooms } from "../db/rooms.ts";
import type { Store } from "../db/store.ts";
import { appendUserEvent, type UserHead } from "../db/user_stream.ts";
import type { User, Users } from "../db/users.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import { conflict, forbidden, notFound } from "../shared/errors.ts";
import type { BlockedUser } from "../shared/inbox_schemas.ts";
import type { RoomView } from "../shared/schemas.ts";
import { LIMITS } from "./limits.ts";
import { refuseGuest } from "./guests.ts";
import { can, kindOf, removeAction } from "./policy.ts";
import { authorOf, type RoomService } from "./rooms.ts";
import type { StatsCounter } from "./stats.ts";

/** Members a group may have: its events and inboxes stay cheap, its member list one page. */
export const MAX_GROUP_MEMBERS = 200;

/** Memberships read to find the rooms two people share (more than anyone keeps). */
const SHARED_SCAN = 2_000;

/** 404 for a user who does not exist, is gone, or blocked the asker: all look the same. */
const noSuchUser = () => notFound("User");

/** 403 `dm_unavailable`: the same answer for a declined request and a block. */
const dmUnavailable = () =>
  forbidden("dm_unavailable", "This person isn't accepting your messages");

/** The other person in a direct conversation, or null for any other room. */
function peerIn(room: Room, userId: string): string | null {
  if (kindOf(room) !== "direct" || !("pair" in room) || !room.pair) {
    return null;
  }
  return room.pair[0] === userId ? room.pair[1] : room.pair[0];
}

/** Direct conversations, private groups and their members' roles. */
export function createConversationService(deps: {
  store: Store;
  rooms: RoomService;
  roomRepo: Rooms;
  members: Members;
  users: Users;
  blocks: Blocks;
  limits: RateLimits;
  log: RoomLog;
  /** Counts the conversations created, for the analytics. */
  stats?: StatsCounter;
  /** Whether someone is visible in "people nearby" now (they invite message requests). */
  visibleNearby?: (userId: string) => Promise<boolean>;
}) {
  const { store, rooms, roomRepo, members, users, blocks, limits, log } = deps;
  const { kv } = store;

  /** Someone by handle, unless they are the asker, gone, or either blocked the other. */
  async function reachable(user: User, handle: string): Promise<User> {
    const target = await users.getUserByHandle(handle);
    if (!target || await blocks.eitherBlocked(user.id, target.id)) {
      throw noSuchUser();
    }
    return target;
  }

  /** The kinds of room two people are both members of. */
  async function sharedKinds(a: string, b: string): Promise<Set<string>> {
    const mine = new Set<string>();
    for await (
      const e of kv.list<Membership>({ prefix: keys.roomsByMemberPrefix(a) }, {
        limit: SHARED_SCAN,
      })
    ) mine.add(e.key[2] as string);
    const both: string[] = [];
    for await (
      const e of kv.list<Membership>({ prefix: keys.roomsByMemberPrefix(b) }, {
        limit: SHARED_SCAN,
      })
    ) if (mine.has(e.key[2] as string)) both.push(e.key[2] as string);
    const found = await Promise.all(both.map((id) => roomRepo.getRoom(id)));
    return new Set(found.flatMap((r) => r ? [kindOf(r)] : []));
  }

  /** A group the user belongs to, with their role; 404 for anything else. */
  async function requireGroup(user: User, roomId: string) {
    const ctx = await rooms.requireMember(user, roomId);
    if (kindOf(ctx.room) !== "group") throw notFound("Room");
    return ctx;
  }

  /** Answers a request as its recipient: accepted (an event both see) or declined (silent). */
  async function answer(user: User, roomId: string, accept: boolean) {
    const { room } = await rooms.requireMember(user, roomId);
    if (kindOf(room) !== "direct") throw notFound("Room");
    await limits.hit(LIMITS.act, user.id);
    const stateKey = keys.directState(roomId);
    const pair = "pair" in room && room.pair ? room.pair : [user.id, user.id];
    const asker = pair[0] === user.id ? pair[1] : pair[0];
    await log.change<boolean>(roomId, [
      stateKey,
      keys.userHead(user.id),
      keys.userHead(asker),
    ], ({ entries, now }) => {
      const [state, head, askerHead] = entries as [
        Deno.KvEntryMaybe<DirectState>,
        Deno.KvEntryMaybe<UserHead>,
        Deno.KvEntryMaybe<UserHead>,
      ];
      const s = state.value;
      if (!s || s.requester === user.id) {
        if (s) {
          throw forbidden("not_allowed", "Only they can answer the request");
        }
        return { done: false };
      }
      if (!accept && s.state === "declined") return { done: false };
      return {
        result: true,
        checks: [head, askerHead],
        events: accept ? [{ kind: "request.accepted", by: user.id }] : [],
        mutate(op) {
          if (accept) op.delete(stateKey);
          else {
            op.set(stateKey, { ...s, state: "declined" } satisfies DirectState);
            // Declining takes it out of the inbox; the asker is not told.
            op.set(keys.inboxHidden(user.id, roomId), Number.MAX_SAFE_INTEGER);
          }
          appendUserEvent(op, user.id, head, {
            roomId,
            why: accept ? "accepted" : "declined",
          }, now);
          // The asker's inbox learns of an acceptance at once (a decline stays silent).
          if (accept && asker !== user.id) {
            appendUserEvent(
              op,
              asker,
              askerHead,
              { roomId, why: "accepted" },
              now,
            );
          }
        },
      };
    });
  }

  return {
    /**
     * Opens the direct conversation with someone, or the one that exists. People who share
     * only proximity rooms start with a request the other accepts or declines; people who
     * share a group talk at once. Asking someone who already asked you accepts their request.
     */
    async startDirect(
      user: User,
      handle: string,
    ): Promise<{ room: RoomView; created: boolean }> {
      refuseGuest(user, "send direct messages");
      const target = await reachable(user, handle);
      if (target.id === user.id) {
        throw conflict("self", "You cannot message yourself");
      }
      if (target.guest) {
        throw forbidden(
          "guest_not_allowed",
          "Guests cannot get direct messages",
        );
      }
      const existing = await roomRepo.getDirectRoomId(user.id, target.id);
      if (!existing) {
        const shared = await sharedKinds(user.id, target.id);
        // Someone visible in "people nearby" opted in to being asked: a request, like a
        // neighbour's in a proximity room.
        if (shared.size === 0 && !(await deps.visibleNearby?.(target.id))) {
          throw forbidden(
            "no_shared_room",
            "You can message people you share a room with",
          );
        }
        await limits.hit(LIMITS.createRoom, user.id);
      }
      const request = existing
        ? false
        : !(await sharedKinds(user.id, target.id)).has("group");
      const { roomId, created } = existing
        ? { roomId: existing, created: false }
        : await roomRepo.createConversation({
          kind: "direct",
          name: "Direct message",
          description: "",
          owner: user.id,
          peer: { id: target.id, request },
        });
      if (created) await deps.stats?.roomCreated("direct");
      if (!created) {
        const state = await roomRepo.getDirectState(roomId);
        if (state && state.requester !== user.id) {
          await answer(user, roomId, true);
        }
        // Asking again brings a conversation deleted for oneself back.
        await kv.delete(keys.inboxHidden(user.id, roomId));
      }
      return { room: await rooms.getRoomView(user, roomId), created };
    },

    acceptRequest: (user: User, roomId: string) => answer(user, roomId, true),
    declineRequest: (user: User, roomId: string) => answer(user, roomId, false),

    /** In a direct conversation, refuses a send when either side blocked the other. */
    async refuseBlocked(user: User, room: Room): Promise<void> {
      const peer = peerIn(room, user.id);
      if (!peer) return;
      const [mine, theirs] = await blocks.eachWay(user.id, peer);
      if (mine) {
        throw forbidden("blocked", "You blocked this person; unblock to write");
      }
      if (theirs) throw dmUnavailable();
    },

    /**
     * What a send in a direct conversation must pass inside its commit: the request rules
     * (one message until accepted; a reply accepts). Undefined for any other room.
     */
    requestGate(user: User, room: Room): MessageGate | undefined {
      if (!peerIn(room, user.id)) return undefined;
      return {
        key: keys.directState(room.id),
        decide(value) {
          const s = value as DirectState | null;
          if (!s) return {};
          if (s.requester !== user.id) {
            // Writing back accepts the request.
            return {
              set: null,
              events: [{ kind: "request.accepted", by: user.id }],
            };
          }
          if (s.state === "declined") throw dmUnavailable();
          if (s.requestSent) {
            throw forbidden(
              "request_pending",
              "Wait until they accept your message request",
            );
          }
          return { set: { ...s, requestSent: true } satisfies DirectState };
        },
      };
    },

    /**
     * Blocks someone by handle: they cannot message or invite the user, and the user's
     * screens collapse their messages. They are not told.
     */
    async block(user: User, handle: string): Promise<BlockedUser> {
      const target = await users.getUserByHandle(handle);
      if (!target) throw noSuchUser();
      if (target.id === user.id) {
        throw conflict("self", "You cannot block yourself");
      }
      await limits.hit(LIMITS.act, user.id);
      if (await blocks.countBlocked(user.id) >= MAX_BLOCKS) {
        throw conflict("too_many_blocks", `At most ${MAX_BLOCKS} blocks`);
      }
      await blocks.block(user.id, target.id);
      return {
        id: target.id,
        handle: target.handle,
        displayName: target.displayName,
        blockedAt: new Date(store.clock.now()).toISOString(),
      };
    },

    /** Lifts a block; lifting one that is not there is not an error. */
    async unblock(user: User, userId: string): Promise<void> {
      await limits.hit(LIMITS.act, user.id);
      await blocks.unblock(user.id, userId);
    },

    /** The people the user blocked, newest first. */
    async listBlocked(user: User): Promise<BlockedUser[]> {
      const list = await blocks.listBlocked(user.id);
      const found = await users.getUsers(list.map((b) => b.userId));
      return list.map((b, i) => ({
        id: b.userId,
        handle: found[i]?.handle ?? "",
        displayName: found[i]?.displayName ?? "Deleted user",
        blockedAt: new Date(b.at).toISOString(),
      }));
    },

    /** Creates a private group owned by the user. */
    async createGroup(
      user: User,
      input: { name: string; description: string },
    ): Promise<RoomView> {
      refuseGuest(user, "create groups");
      await limits.hit(LIMITS.createRoom, user.id);
      const { roomId } = await roomRepo.createConversation({
        kind: "group",
        name: input.name,
        description: input.description,
        owner: user.id,
      });
      await deps.stats?.roomCreated("group");
      return await rooms.getRoomView(user, roomId);
    },

    /** Adds someone to a group by handle (owners and admins); their inbox shows it at once. */
    async invite(user: User, roomId: string, handle: string) {
      const { room, role } = await requireGroup(user, roomId);
      if (!can(kindOf(room), role, "invite")) {
        throw forbidden("not_allowed", "Only group admins can invite");
      }
      const target = await reachable(user, handle);
      await limits.hit(LIMITS.act, user.id);
      const [stats] = await roomRepo.getRoomStats([roomId]);
      if (stats.memberCount >= MAX_GROUP_MEMBERS) {
        throw conflict(
          "group_full",
          `A group has at most ${MAX_GROUP_MEMBERS} members`,
        );
      }
      const added = await members.addMember(roomId, authorOf(target), {
        by: user.id,
        notify: true,
      });
      return { userId: target.id, added };
    },

    /** Removes a member: owners remove anyone, admins remove members only. */
    async removeMember(user: User, roomId: string, userId: string) {
      const { room, role } = await requireGroup(user, roomId);
      if (userId === user.id) {
        await rooms.leaveRoom(user, roomId);
        return;
      }
      const m = await members.getMember(roomId, userId);
      if (!m) throw notFound("Member");
      const targetRole: RoomRole = m.role ?? "member";
      if (!can(kindOf(room), role, removeAction(targetRole))) {
        throw forbidden(
          "not_allowed",
          `You cannot remove ${
            targetRole === "member" ? "members" : "an " + targetRole
          }`,
        );
      }
      await limits.hit(LIMITS.act, user.id);
      const target = await users.getUser(userId);
      await members.deleteMember(
        roomId,
        target ? authorOf(target) : { id: userId, handle: "", displayName: "" },
        { by: user.id, keepOwner: true },
      );
    },

    /** Gives a member another role (owners only); the last owner cannot step down. */
    async setRole(user: User, roomId: string, userId: string, next: RoomRole) {
      const { room, role } = await requireGroup(user, roomId);
      if (!can(kindOf(room), role, "set_role")) {
        throw forbidden("not_allowed", "Only group owners can change roles");
      }
      if (!(await members.getMember(roomId, userId))) throw notFound("Member");
      await limits.hit(LIMITS.act, user.id);
      await members.setRole(roomId, userId, next, user.id);
    },
  };
}

/** The conversation service's type. */
export type ConversationService = ReturnType<typeof createConversationService>;
