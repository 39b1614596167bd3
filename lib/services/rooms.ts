import {
  bannedFromRoom,
  type Members,
  type Membership,
  type RoomRole,
} from "../db/members.ts";
import type { RaidShields } from "../db/raid_shield.ts";
import { EDGE_SHARE } from "./moderation_rules.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import type { RoomEdits } from "../db/room_edits.ts";
import { isProximity, type Room, type Rooms } from "../db/rooms.ts";
import { toUserView, type User, type Users } from "../db/users.ts";
import { distanceM } from "../geo/distance.ts";
import type { Clock } from "../shared/clock.ts";
import { isoOrNull } from "../shared/clock.ts";
import {
  forbidden,
  notFound,
  unprocessable,
  validation,
} from "../shared/errors.ts";
import type {
  CreateRoomInput,
  Fix,
  NearbyRoomView,
  Page,
  RoomView,
  UpdateRoomInput,
  UserView,
} from "../shared/schemas.ts";
import { LIMITS } from "./limits.ts";
import { can, isPrivate, kindOf } from "./policy.ts";

/** A join needs a fix at least this precise, in metres. */
export const MAX_JOIN_ACCURACY_M = 500;
/** At most this much of a fix's accuracy counts in the joiner's favour, in metres. */
export const MAX_ACCURACY_SLACK_M = 100;

/** A member as listed to other members, with whether they are muted or held. */
export type MemberView = UserView & {
  joinedAt: string;
  role: RoomRole;
  mutedUntil: string | null;
  held: boolean;
};

/** A member's role: stored since the log, inferred for memberships made before it. */
export function roleOf(room: Room, userId: string, m: Membership): RoomRole {
  // A proximity room's creator stays owner whatever a later rejoin wrote (a join stores
  // role "member"); a group's ownership moves with its members' roles.
  if (isProximity(room) && room.ownerId === userId) return "owner";
  return m.role ?? "member";
}

/** The author fields of a user, as events and messages carry them. */
export const authorOf = (u: User) => ({
  id: u.id,
  handle: u.handle,
  displayName: u.displayName,
});

/** A room, the caller's membership in it, and the role that gives them. */
export type MemberContext = {
  room: Room;
  membership: Membership;
  role: RoomRole;
};

/** Room operations shared by the API, the pages and the socket server. */
export function createRoomService(
  rooms: Rooms,
  members: Members,
  users: Users,
  limits: RateLimits,
  clock: Clock,
  edits: RoomEdits,
  shields?: RaidShields,
) {
  async function toViews(list: Room[]): Promise<RoomView[]> {
    const stats = await rooms.getRoomStats(list.map((r) => r.id));
    return list.map((r, i) => ({
      id: r.id,
      kind: kindOf(r),
      name: r.name,
      description: r.description,
      lat: isProximity(r) ? r.lat : null,
      lng: isProximity(r) ? r.lng : null,
      radiusM: isProximity(r) ? r.radiusM : null,
      category: r.category,
      ownerId: r.ownerId,
      createdAt: new Date(r.createdAt).toISOString(),
      expiresAt: isoOrNull(r.expiresAt),
      memberCount: stats[i].memberCount,
      lastMessageAt: isoOrNull(stats[i].head.lastMessageAt),
      slowModeS: r.slowModeS ?? 0,
    }));
  }

  async function requireRoom(roomId: string): Promise<Room> {
    const room = await rooms.getRoom(roomId);
    if (!room) throw notFound("Room");
    return room;
  }

  /**
   * The room and the user's role in it; 404 unknown room, 403 `not_member` for a public room,
   * and 404 for a private one, so outsiders cannot learn it exists.
   */
  async function requireMember(
    user: User,
    roomId: string,
  ): Promise<MemberContext> {
    const [room, membership] = await Promise.all([
      requireRoom(roomId),
      members.getMember(roomId, user.id),
    ]);
    if (!membership) {
      if (isPrivate(room)) throw notFound("Room");
      throw forbidden("not_member", "Join this room first");
    }
    return { room, membership, role: roleOf(room, user.id, membership) };
  }

  /** A room anyone may see (public), or one the user belongs to; 404 otherwise. */
  async function requireVisible(user: User | null, roomId: string) {
    const room = await requireRoom(roomId);
    if (isPrivate(room)) {
      if (!user || !(await members.getMember(roomId, user.id))) {
        throw notFound("Room");
      }
    }
    return room;
  }

  return {
    requireRoom,
    requireMember,
    requireVisible,
    toViews,

    /** The user's role in a live room, or null when they are not a member. */
    async getRole(user: User, roomId: string): Promise<RoomRole | null> {
      const [room, m] = await Promise.all([
        rooms.getRoom(roomId),
        members.getMember(roomId, user.id),
      ]);
      return room && m ? roleOf(room, user.id, m) : null;
    },

    /** A live room's view; 404 when unknown, expired, or private and not the user's. */
    async getRoomView(user: User | null, roomId: string): Promise<RoomView> {
      return (await toViews([await requireVisible(user, roomId)]))[0];
    },

    /** Renames or redescribes a room (owner and admins); members see room.updated. */
    async updateRoom(
      user: User,
      roomId: string,
      patch: UpdateRoomInput,
    ): Promise<RoomView> {
      const { room, role } = await requireMember(user, roomId);
      if (!can(kindOf(room), role, "edit_room")) {
        throw forbidden("not_allowed", "Only room admins can edit the room");
      }
      await limits.hit(LIMITS.act, user.id);
      const next = await edits.updateRoom(roomId, patch);
      if (!next) throw notFound("Room");
      return (await toViews([next]))[0];
    },

    /** Creates a room owned (and joined) by the user. */
    async createRoom(user: User, input: CreateRoomInput): Promise<RoomView> {
      if (input.expiresAt && Date.parse(input.expiresAt) <= clock.now()) {
        throw validation("expiresAt must be in the future", {
          field: "expiresAt",
        });
      }
      await limits.hit(LIMITS.createRoom, user.id);
      return (await toViews([await rooms.createRoom(user.id, input)]))[0];
    },

    /** Live rooms within radiusM of a point, nearest first. */
    async listNearby(lat: number, lng: number, radiusM: number, limit: number) {
      const found = await rooms.listRoomsNearby({ lat, lng }, radiusM, limit);
      const views = await toViews(found.map((f) => f.room));
      return views.map((v, i): NearbyRoomView => ({
        ...v,
        kind: "proximity",
        lat: found[i].room.lat,
        lng: found[i].room.lng,
        radiusM: found[i].room.radiusM,
        distanceM: Math.round(found[i].distanceM),
      }));
    },

    /**
     * Joins a room from a fix that must lie inside its radius (plus up to 100 m of the fix's
     * accuracy). The fix is used for this check only and is never stored or logged.
     */
    async joinRoom(user: User, roomId: string, fix: Fix): Promise<RoomView> {
      const room = await requireRoom(roomId);
      // Conversations are joined by invitation only; outsiders do not learn they exist.
      if (!isProximity(room)) throw notFound("Room");
      if (fix.accuracy > MAX_JOIN_ACCURACY_M) {
        throw unprocessable(
          "imprecise_location",
          "Location is too imprecise to join",
          {
            maxAccuracyM: MAX_JOIN_ACCURACY_M,
          },
        );
      }
      const d = distanceM(fix, room);
      if (d > room.radiusM + Math.min(fix.accuracy, MAX_ACCURACY_SLACK_M)) {
        throw forbidden("out_of_range", "You are outside this room's radius");
      }
      if (await members.getMember(room.id, user.id)) {
        return (await toViews([room]))[0];
      }
      const ban = await members.getBan(room.id, user.id, clock.now());
      if (ban) throw bannedFromRoom(ban);
      // Every new joiner counts toward the raid shield; its creator is never held.
      const held = room.ownerId !== user.id && shields
        ? await shields.recordJoin(room.id, d >= EDGE_SHARE * room.radiusM)
        : false;
      await members.addMember(room.id, authorOf(user), { held });
      return (await toViews([room]))[0];
    },

    /**
     * Leaves a room; leaving a room you are not in is not an error. A group's last owner must
     * hand over first (409 `last_owner`); a direct conversation is deleted for oneself instead.
     */
    async leaveRoom(user: User, roomId: string): Promise<void> {
      const room = await requireRoom(roomId);
      const m = await members.getMember(roomId, user.id);
      if (!m) {
        if (isPrivate(room)) throw notFound("Room");
        return;
      }
      if (!can(kindOf(room), roleOf(room, user.id, m), "leave")) {
        throw forbidden(
          "not_allowed",
          "A direct conversation cannot be left; delete it from your inbox instead",
        );
      }
      // The member.left event ends the leaver's live subscriptions on every isolate.
      await members.deleteMember(roomId, authorOf(user), {
        keepOwner: kindOf(room) === "group",
      });
    },

    /** A page of a room's members, for members only. */
    async listMembers(
      user: User,
      roomId: string,
      limit: number,
      cursor?: string,
    ) {
      const { room } = await requireMember(user, roomId);
      const page = await members.listMembers(roomId, limit, cursor);
      const found = await users.getUsers(page.items.map((m) => m.userId));
      const items = page.items.flatMap((m, i): MemberView[] => {
        const u = found[i];
        return u
          ? [{
            ...toUserView(u),
            joinedAt: new Date(m.membership.joinedAt).toISOString(),
            role: roleOf(room, u.id, m.membership),
            mutedUntil: m.membership.mutedUntil &&
                m.membership.mutedUntil > clock.now()
              ? new Date(m.membership.mutedUntil).toISOString()
              : null,
            held: m.membership.held === true,
          }]
          : [];
      });
      return { items, cursor: page.cursor } satisfies Page<MemberView>;
    },
  };
}

/** The room service's type. */
export type RoomService = ReturnType<typeof createRoomService>;
