import { conflict, forbidden } from "../shared/errors.ts";
import type { AuthorView } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import type { RoomEventBody, RoomLog } from "./room_log.ts";
import type { Store } from "./store.ts";
import { appendUserEvent, type UserHead } from "./user_stream.ts";

/** A member's role in a room; the policy table says what each may do. */
export type RoomRole = "owner" | "admin" | "member";

/** A membership as stored; joinSeq is the seq of the member.joined event (0 for the owner). */
export type Membership = {
  joinedAt: number;
  role?: RoomRole;
  joinSeq?: number;
  /** Muted until this time (epoch ms): they read but cannot post or react. */
  mutedUntil?: number;
  /** Held by the raid shield: read-only until an admin lets them in. */
  held?: boolean;
  /** When they last proved their location (a join counts); posting needs it within the lease. */
  confirmedAt?: number;
};

/** A ban from one room: who, why, and until when (null: until lifted). */
export type RoomBan = {
  by: string;
  reason: string;
  at: number;
  until: number | null;
};

/** Whether a ban still holds at `now`. */
export const banHolds = (b: RoomBan | null, now: number): b is RoomBan =>
  b !== null && (b.until === null || b.until > now);

/** 403 `banned_from_room`. */
export const bannedFromRoom = (b: RoomBan) =>
  forbidden("banned_from_room", "You are banned from this room", {
    until: b.until === null ? null : new Date(b.until).toISOString(),
  });

/** How a membership change came about, and what it must keep true. */
export type MemberChangeOptions = {
  /** The role a new member gets (default member). */
  role?: RoomRole;
  /** Who made the change, when not the member themselves (an invite, a removal). */
  by?: string;
  /** Tell the member on their own stream (conversations: their inbox shows it at once). */
  notify?: boolean;
  /** Refuse a change that would leave the room with members but no owner (groups). */
  keepOwner?: boolean;
  /** Why someone else removed them (default "removed"). */
  reason?: "removed" | "kicked" | "banned";
  /** Bar them from coming back, in the same commit as the removal. */
  ban?: RoomBan;
  /** Join held by the raid shield. */
  held?: boolean;
};

/** 409 `last_owner`: a group always has an owner while it has members. */
export const lastOwner = () =>
  conflict(
    "last_owner",
    "Make someone else an owner before you leave or step down",
  );

/** The membership repository: both index directions, the count and the log change together. */
export function createMembers({ kv }: Store, log: RoomLog) {
  /** Adds or removes a member with its event; answers false when nothing changed. */
  async function change(
    roomId: string,
    user: AuthorView,
    join: boolean,
    opts: MemberChangeOptions = {},
  ) {
    const memberKey = keys.roomMember(roomId, user.id);
    const notify = opts.notify && join;
    const banKey = keys.roomBan(roomId, user.id);
    const { result } = await log.change<boolean>(roomId, [
      memberKey,
      keys.roomMemberCount(roomId),
      keys.roomOwnerCount(roomId),
      banKey,
      ...(notify ? [keys.userHead(user.id)] : []),
    ], ({ entries, now, nextSeq }) => {
      const [member, count, owners, ban, head] = entries as [
        Deno.KvEntryMaybe<Membership>,
        Deno.KvEntryMaybe<number>,
        Deno.KvEntryMaybe<number>,
        Deno.KvEntryMaybe<RoomBan>,
        Deno.KvEntryMaybe<UserHead>?,
      ];
      // A ban is read in the join's own commit, so a join racing a ban cannot slip in.
      if (join && banHolds(ban.value, now)) throw bannedFromRoom(ban.value);
      if (!join && opts.ban && member.value === null) {
        // Banning someone who is not (or no longer) a member still bars them.
        return {
          result: false,
          events: [],
          mutate: (op) => void op.set(banKey, opts.ban),
        };
      }
      if ((member.value !== null) === join) return { done: false };
      const memberCount = Math.max(0, (count.value ?? 0) + (join ? 1 : -1));
      const role = join ? opts.role ?? "member" : member.value!.role;
      const ownerDelta = role === "owner" ? (join ? 1 : -1) : 0;
      const ownerCount = (owners.value ?? 0) + ownerDelta;
      // Only groups count owners; a proximity room's creator is its owner for good.
      if (
        opts.keepOwner && owners.value !== null && ownerCount < 1 &&
        memberCount > 0
      ) throw lastOwner();
      const by = opts.by && opts.by !== user.id ? { by: opts.by } : {};
      const held = join && opts.held ? { held: true } : {};
      return {
        result: true,
        checks: head ? [head] : [],
        events: [
          join ? { kind: "member.joined", user, memberCount, role, ...by } : {
            kind: "member.left",
            userId: user.id,
            memberCount,
            ...by,
            reason: by.by ? "removed" : "left",
          },
        ],
        mutate(op) {
          op.set(keys.roomMemberCount(roomId), memberCount);
          if (ownerDelta && owners.value !== null) {
            op.set(keys.roomOwnerCount(roomId), ownerCount);
          }
          if (opts.ban) op.set(banKey, opts.ban);
          if (join) {
            const m: Membership = {
              joinedAt: now,
              role,
              joinSeq: nextSeq,
              ...held,
            };
            op.set(memberKey, m).set(keys.roomByMember(user.id, roomId), m);
            if (head) {
              appendUserEvent(op, user.id, head, { roomId, why: "added" }, now);
            }
          } else {
            // A leaver's read mark goes too: receipts list only current members.
            op.delete(memberKey).delete(keys.roomByMember(user.id, roomId))
              .delete(keys.readMark(roomId, user.id))
              .delete(keys.inboxHidden(user.id, roomId));
          }
        },
      };
    });
    return result;
  }

  return {
    /** Makes a user a member (a member.joined event); true if they were not one already. */
    addMember: (
      roomId: string,
      user: AuthorView,
      opts?: MemberChangeOptions,
    ) => change(roomId, user, true, opts),

    /** Removes a user from a room (a member.left event); true if they were a member. */
    deleteMember: (
      roomId: string,
      user: AuthorView,
      opts?: MemberChangeOptions,
    ) => change(roomId, user, false, opts),

    /**
     * Changes a membership (mute, admit) with its event in one log commit; answers false when
     * they are not a member or `patch` answers null (nothing to change).
     */
    async patchMember(
      roomId: string,
      userId: string,
      patch: (m: Membership, now: number) => Membership | null,
      event: RoomEventBody | null,
    ): Promise<boolean> {
      const memberKey = keys.roomMember(roomId, userId);
      const { result } = await log.change<boolean>(
        roomId,
        [memberKey],
        ({ entries, now }) => {
          const m = entries[0].value as Membership | null;
          const next = m && patch(m, now);
          if (!next) return { done: false };
          return {
            result: true,
            // A change only its member cares about (a location confirmation) is no event.
            events: event ? [event] : [],
            mutate(op) {
              op.set(memberKey, next).set(
                keys.roomByMember(userId, roomId),
                next,
              );
            },
          };
        },
      );
      return result;
    },

    /** A room's ban of a user, if any (lifted or lapsed bans read as null). */
    async getBan(roomId: string, userId: string, now: number) {
      const b = (await kv.get<RoomBan>(keys.roomBan(roomId, userId))).value;
      return banHolds(b, now) ? b : null;
    },

    /** Lifts a ban; true if there was one. */
    async liftBan(roomId: string, userId: string): Promise<boolean> {
      const key = keys.roomBan(roomId, userId);
      const e = await kv.get<RoomBan>(key);
      if (!e.value) return false;
      return (await kv.atomic().check(e).delete(key).commit()).ok;
    },

    /** A room's bans, in user-id order (at most 1,000). */
    async listBans(roomId: string) {
      const items: { userId: string; ban: RoomBan }[] = [];
      for await (
        const e of kv.list<RoomBan>({ prefix: keys.roomBansPrefix(roomId) }, {
          limit: 1_000,
        })
      ) items.push({ userId: e.key[2] as string, ban: e.value });
      return items;
    },

    /**
     * Changes a member's role (a member.role event), keeping a group's owner count and its
     * last owner; answers false when they are not a member or already have the role.
     */
    async setRole(
      roomId: string,
      userId: string,
      role: RoomRole,
      by: string,
    ): Promise<boolean> {
      const memberKey = keys.roomMember(roomId, userId);
      const { result } = await log.change<boolean>(roomId, [
        memberKey,
        keys.roomOwnerCount(roomId),
      ], ({ entries }) => {
        const [member, owners] = entries as [
          Deno.KvEntryMaybe<Membership>,
          Deno.KvEntryMaybe<number>,
        ];
        const m = member.value;
        if (!m || (m.role ?? "member") === role) return { done: false };
        const delta = (role === "owner" ? 1 : 0) - (m.role === "owner" ? 1 : 0);
        const ownerCount = (owners.value ?? 0) + delta;
        if (ownerCount < 1) throw lastOwner();
        const next: Membership = { ...m, role };
        return {
          result: true,
          events: [{ kind: "member.role", userId, role, by }],
          mutate(op) {
            op.set(memberKey, next).set(keys.roomByMember(userId, roomId), next)
              .set(keys.roomOwnerCount(roomId), ownerCount);
          },
        };
      });
      return result;
    },

    /** The membership of a user in a room, or null. */
    async getMember(
      roomId: string,
      userId: string,
    ): Promise<Membership | null> {
      return (await kv.get<Membership>(keys.roomMember(roomId, userId))).value;
    },

    /** A page of a room's members in id order, after an optional user-id cursor. */
    async listMembers(roomId: string, limit: number, cursor?: string) {
      const prefix = keys.roomMembersPrefix(roomId);
      const iter = kv.list<Membership>(
        cursor ? { prefix, start: [...prefix, cursor + "\0"] } : { prefix },
        { limit: limit + 1 },
      );
      const items: { userId: string; membership: Membership }[] = [];
      for await (const e of iter) {
        items.push({ userId: e.key[2] as string, membership: e.value });
      }
      const more = items.length > limit;
      if (more) items.pop();
      return { items, cursor: more ? items[items.length - 1].userId : null };
    },
  };
}

/** The membership repository's type. */
export type Members = ReturnType<typeof createMembers>;
