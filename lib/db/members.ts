import type { AuthorView } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import type { RoomLog } from "./room_log.ts";
import type { Store } from "./store.ts";

/** A member's role in a room; the policy table says what each may do. */
export type RoomRole = "owner" | "admin" | "member";

/** A membership as stored; joinSeq is the seq of the member.joined event (0 for the owner). */
export type Membership = {
  joinedAt: number;
  role?: RoomRole;
  joinSeq?: number;
};

/** The membership repository: both index directions, the count and the log change together. */
export function createMembers({ kv }: Store, log: RoomLog) {
  /** Adds or removes a member with its event; answers false when nothing changed. */
  async function change(roomId: string, user: AuthorView, join: boolean) {
    const memberKey = keys.roomMember(roomId, user.id);
    const { result } = await log.change<boolean>(roomId, [
      memberKey,
      keys.roomMemberCount(roomId),
    ], ({ entries, now, nextSeq }) => {
      const [member, count] = entries as [
        Deno.KvEntryMaybe<Membership>,
        Deno.KvEntryMaybe<number>,
      ];
      if ((member.value !== null) === join) return { done: false };
      const memberCount = Math.max(0, (count.value ?? 0) + (join ? 1 : -1));
      return {
        result: true,
        events: [
          join
            ? { kind: "member.joined", user, memberCount }
            : { kind: "member.left", userId: user.id, memberCount },
        ],
        mutate(op) {
          op.set(keys.roomMemberCount(roomId), memberCount);
          if (join) {
            const m: Membership = {
              joinedAt: now,
              role: "member",
              joinSeq: nextSeq,
            };
            op.set(memberKey, m).set(keys.roomByMember(user.id, roomId), m);
          } else {
            // A leaver's read mark goes too: receipts list only current members.
            op.delete(memberKey).delete(keys.roomByMember(user.id, roomId))
              .delete(keys.readMark(roomId, user.id));
          }
        },
      };
    });
    return result;
  }

  return {
    /** Makes a user a member (a member.joined event); true if they were not one already. */
    addMember: (roomId: string, user: AuthorView) => change(roomId, user, true),

    /** Removes a user from a room (a member.left event); true if they were a member. */
    deleteMember: (roomId: string, user: AuthorView) =>
      change(roomId, user, false),

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
