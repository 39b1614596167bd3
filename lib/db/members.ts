import { keys } from "./keys.ts";
import { retryCommit, type Store } from "./store.ts";

/** A membership as stored. */
export type Membership = { joinedAt: number };

/** The membership repository: both directions of the index and the count change together. */
export function createMembers({ kv, clock }: Store) {
  /** Adds (delta 1) or removes (delta -1) a member; returns false if nothing changed. */
  function change(
    roomId: string,
    userId: string,
    delta: 1 | -1,
  ): Promise<boolean> {
    return retryCommit("room membership", async () => {
      const [member, count] = await kv.getMany<[Membership, number]>([
        keys.roomMember(roomId, userId),
        keys.roomMemberCount(roomId),
      ]);
      if ((member.value !== null) === (delta === 1)) return false;
      const op = kv.atomic().check(member).check(count)
        .set(
          keys.roomMemberCount(roomId),
          Math.max(0, (count.value ?? 0) + delta),
        );
      if (delta === 1) {
        const m: Membership = { joinedAt: clock.now() };
        op.set(keys.roomMember(roomId, userId), m).set(
          keys.roomByMember(userId, roomId),
          m,
        );
      } else {
        op.delete(keys.roomMember(roomId, userId)).delete(
          keys.roomByMember(userId, roomId),
        );
      }
      return (await op.commit()).ok ? true : null;
    });
  }

  return {
    /** Makes a user a member; true if they were not one already. */
    addMember: (roomId: string, userId: string) => change(roomId, userId, 1),

    /** Removes a user from a room; true if they were a member. */
    deleteMember: (roomId: string, userId: string) =>
      change(roomId, userId, -1),

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
      const items: { userId: string; joinedAt: number }[] = [];
      for await (const e of iter) {
        items.push({ userId: e.key[2] as string, joinedAt: e.value.joinedAt });
      }
      const more = items.length > limit;
      if (more) items.pop();
      return { items, cursor: more ? items[items.length - 1].userId : null };
    },
  };
}

/** The membership repository's type. */
export type Members = ReturnType<typeof createMembers>;
