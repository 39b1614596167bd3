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
import {
  hasEnded,
  isProximity,
  type ProximityRoom,
  readRadiusOf,
  type Room,
  type Rooms,
} from "../db/rooms.ts";
import type { LatLng } from "../geo/distance.ts";
import { ROOM_GRID_M, snapToGrid } from "../geo/privacy.ts";
import { type LocationChecks, MAX_FIX_ACCURACY_M } from "./location.ts";
import { refuseGuest } from "./guests.ts";
import { toUserView, type User, type Users } from "../db/users.ts";
import { distanceM } from "../geo/distance.ts";
import type { Clock } from "../shared/clock.ts";
import { isoOrNull } from "../shared/clock.ts";
import {
  AppError,
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
import type { StatsCounter } from "./stats.ts";
import { can, isPrivate, kindOf } from "./policy.ts";

/** A join needs a fix at least this precise, in metres. */
export const MAX_JOIN_ACCURACY_M = MAX_FIX_ACCURACY_M;
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
  ...(u.guest ? { guest: true as const } : {}),
});

/** A room, the caller's membership in it, and the role that gives them. */
export type MemberContext = {
  room: Room;
  membership: Membership;
  role: RoomRole;
  /** The member's account as stored now (a socket's copy predates, say, a shadow ban). */
  account: User | null;
};

/** What proximity rules need beyond the repositories; each part is optional for tests. */
export type PlaceDeps = {
  location?: LocationChecks;
  /** An operator's exclusion zone holding a point, if any. */
  zoneAt?: (p: LatLng) => Promise<{ name: string } | null>;
  peeks?: {
    grant(roomId: string, userId: string, until: number): Promise<void>;
    holds(roomId: string, userId: string): Promise<boolean>;
  };
  venue?: {
    current(roomId: string): Promise<{ code: string; rotatesAt: string }>;
    check(roomId: string, code: string): Promise<boolean>;
  };
  /** Told of every new proximity room (schedules an event room's purge). */
  onCreated?: (room: ProximityRoom) => Promise<void>;
  leaseMs?: number;
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
  place: PlaceDeps = {},
  counter?: StatsCounter,
) {
  const leaseMs = place.leaseMs ?? 12 * 3_600_000;

  async function toViews(list: Room[]): Promise<RoomView[]> {
    const stats = await rooms.getRoomStats(list.map((r) => r.id));
    const now = clock.now();
    return list.map((r, i) => ({
      id: r.id,
      kind: kindOf(r),
      name: r.name,
      description: r.description,
      lat: isProximity(r) ? r.lat : null,
      lng: isProximity(r) ? r.lng : null,
      radiusM: isProximity(r) ? r.radiusM : null,
      readRadiusM: isProximity(r) ? readRadiusOf(r) : null,
      category: r.category,
      ownerId: r.ownerId,
      createdAt: new Date(r.createdAt).toISOString(),
      expiresAt: isoOrNull(r.expiresAt),
      memberCount: stats[i].memberCount,
      lastMessageAt: isoOrNull(stats[i].head.lastMessageAt),
      slowModeS: r.slowModeS ?? 0,
      ended: hasEnded(r, now),
    }));
  }

  /** 410 `room_ended` for a write to an event room past its end. */
  function requireOpen(room: Room) {
    if (hasEnded(room, clock.now())) {
      throw new AppError(
        410,
        "room_ended",
        "This event has ended: the room is read-only",
      );
    }
  }

  /** 403 `excluded_area` when a point lies in an operator's exclusion zone. */
  async function refuseExcluded(p: LatLng) {
    const zone = await place.zoneAt?.(p);
    if (zone) {
      throw forbidden(
        "excluded_area",
        "Rooms cannot be created or joined here",
      );
    }
  }

  /** A proximity room a fix must be inside (`radius` plus up to 100 m of its accuracy). */
  function requireInside(room: ProximityRoom, fix: Fix, radiusM: number) {
    const d = distanceM(fix, room);
    if (d > radiusM + Math.min(fix.accuracy, MAX_ACCURACY_SLACK_M)) {
      throw forbidden("out_of_range", "You are outside this room's radius");
    }
    return d;
  }

  /** A live proximity room (404 for conversations: they are joined by invitation only). */
  async function requireProximity(roomId: string): Promise<ProximityRoom> {
    const room = await requireRoom(roomId);
    if (!isProximity(room)) throw notFound("Room");
    requireOpen(room);
    return room;
  }

  /** Adds a member who proved presence (a fix or a venue code), minding bans and the shield. */
  async function admitNew(user: User, room: ProximityRoom, edge: boolean) {
    if (await members.getMember(room.id, user.id)) {
      // Proving presence again renews the lease.
      await members.patchMember(
        room.id,
        user.id,
        (m, now) => ({ ...m, confirmedAt: now }),
        null,
      );
      return;
    }
    const ban = await members.getBan(room.id, user.id, clock.now());
    if (ban) throw bannedFromRoom(ban);
    // Every new joiner counts toward the raid shield; its creator is never held.
    const held = room.ownerId !== user.id && shields
      ? await shields.recordJoin(room.id, edge)
      : false;
    // The joiner's own stream says so, so their other tabs' inboxes follow the room too.
    const joined = { held, notify: true };
    if (await members.addMember(room.id, authorOf(user), joined)) {
      await counter?.joined(room.category);
    }
  }

  async function requireRoom(roomId: string): Promise<Room> {
    const room = await rooms.getRoom(roomId);
    if (!room) throw notFound("Room");
    return room;
  }

  /** The room (404 when unknown), the user's membership and account, in one read. */
  async function readRoomAs(user: User, roomId: string) {
    const read = await rooms.getWithMember(roomId, user.id);
    if (!read.room) throw notFound("Room");
    return { room: read.room, membership: read.membership, account: read.user };
  }

  /**
   * The room and the user's role in it; 404 unknown room, 403 `not_member` for a public room,
   * and 404 for a private one, so outsiders cannot learn it exists.
   */
  async function requireMember(
    user: User,
    roomId: string,
  ): Promise<MemberContext> {
    return asMember(user, await rooms.getWithMember(roomId, user.id));
  }

  /** requireMember's refusals, on a room, membership and account read elsewhere. */
  function asMember(
    user: User,
    read: {
      room: Room | null;
      membership: Membership | null;
      user: User | null;
    },
  ): MemberContext {
    const { room, membership } = read;
    if (!room) throw notFound("Room");
    if (!membership) {
      if (isPrivate(room)) throw notFound("Room");
      throw forbidden("not_member", "Join this room first");
    }
    return {
      room,
      membership,
      role: roleOf(room, user.id, membership),
      account: read.user,
    };
  }

  /**
   * A room the user may read: as a member, or by a live peek from inside its read radius
   * (membership null). Otherwise the same refusals as requireMember.
   */
  async function requireReader(
    user: User,
    roomId: string,
  ): Promise<{ room: Room; membership: Membership | null }> {
    const { room, membership } = await readRoomAs(user, roomId);
    if (membership) return { room, membership };
    if (
      isProximity(room) && !hasEnded(room, clock.now()) &&
      await place.peeks?.holds(roomId, user.id)
    ) return { room, membership: null };
    if (isPrivate(room)) throw notFound("Room");
    throw forbidden("not_member", "Join this room first (or peek from nearby)");
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
    asMember,
    requireReader,
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
      requireOpen(room);
      await limits.hit(LIMITS.act, user.id);
      const next = await edits.updateRoom(roomId, patch);
      if (!next) throw notFound("Room");
      return (await toViews([next]))[0];
    },

    /** Creates a room owned (and joined) by the user. */
    async createRoom(user: User, input: CreateRoomInput): Promise<RoomView> {
      refuseGuest(user, "create rooms");
      if (input.expiresAt && Date.parse(input.expiresAt) <= clock.now()) {
        throw validation("expiresAt must be in the future", {
          field: "expiresAt",
        });
      }
      await limits.hit(LIMITS.createRoom, user.id);
      // "here" is the creator's own fix: it is checked like any fix, and only the centre of
      // its public grid cell is kept, so the room never shows where its creator stood.
      let at = { lat: input.lat, lng: input.lng };
      if ((input.placement ?? "here") === "here") {
        await place.location?.check(user.id, { ...at, accuracy: 0 });
        at = snapToGrid(at, ROOM_GRID_M);
      }
      await refuseExcluded(at);
      const room = await rooms.createRoom(user.id, { ...input, ...at });
      await counter?.roomCreated("proximity");
      await place.onCreated?.(room);
      return (await toViews([room]))[0];
    },

    /**
     * Live rooms within radiusM of a point, nearest first, with whether the point is inside
     * each one's read and post radius. Rooms are public places: their distance is exact.
     */
    async listNearby(lat: number, lng: number, radiusM: number, limit: number) {
      const found = await rooms.listRoomsNearby({ lat, lng }, radiusM, limit);
      const views = await toViews(found.map((f) => f.room));
      return views.map((v, i): NearbyRoomView => {
        const r = found[i].room;
        const d = found[i].distanceM;
        return {
          ...v,
          kind: "proximity",
          lat: r.lat,
          lng: r.lng,
          radiusM: r.radiusM,
          readRadiusM: readRadiusOf(r),
          distanceM: Math.round(d),
          inside: { read: d <= readRadiusOf(r), post: d <= r.radiusM },
        };
      });
    },

    /**
     * Peeks into a room from inside its read radius: read-only, without joining, until the
     * lease lapses. The fix is checked and forgotten.
     */
    async peekRoom(user: User, roomId: string, fix: Fix): Promise<RoomView> {
      const room = await requireProximity(roomId);
      await place.location?.check(user.id, fix);
      await refuseExcluded(fix);
      requireInside(room, fix, readRadiusOf(room));
      await limits.hit(LIMITS.act, user.id);
      const until = clock.now() + leaseMs;
      await place.peeks?.grant(room.id, user.id, until);
      return (await toViews([room]))[0];
    },

    /** Confirms a member's location (inside the post radius), renewing their posting lease. */
    async confirmLocation(user: User, roomId: string, fix: Fix) {
      const room = await requireProximity(roomId);
      if (!(await members.getMember(room.id, user.id))) {
        throw forbidden("not_member", "Join this room first");
      }
      await place.location?.check(user.id, fix);
      requireInside(room, fix, room.radiusM);
      await members.patchMember(
        room.id,
        user.id,
        (m, now) => ({ ...m, confirmedAt: now }),
        null,
      );
      return { leaseUntil: new Date(clock.now() + leaseMs).toISOString() };
    },

    /** Joins with the code a venue's screen shows, instead of a fix (proof of presence). */
    async checkIn(user: User, roomId: string, code: string): Promise<RoomView> {
      refuseGuest(user, "join other rooms");
      const room = await requireProximity(roomId);
      await limits.hit(LIMITS.act, user.id);
      if (!(await place.venue?.check(room.id, code))) {
        throw forbidden(
          "bad_code",
          "That code is wrong or too old: scan the one on the screen now",
        );
      }
      await admitNew(user, room, false);
      return (await toViews([room]))[0];
    },

    /** The room's current check-in code, for its owner and admins to show on a screen. */
    async checkInCode(user: User, roomId: string) {
      const { room, role } = await requireMember(user, roomId);
      if (!isProximity(room) || !can(kindOf(room), role, "edit_room")) {
        throw forbidden(
          "not_allowed",
          "Only room admins can show the check-in code",
        );
      }
      requireOpen(room);
      if (!place.venue) throw notFound("Check-in");
      return await place.venue.current(room.id);
    },

    requireOpen,

    /** Whether a member's location lease lets them post now (owners and admins need none). */
    leaseHolds(room: Room, role: RoomRole, m: Membership, now: number) {
      if (!isProximity(room) || role !== "member") return true;
      return (m.confirmedAt ?? m.joinedAt) + leaseMs > now;
    },
    leaseMs,

    /**
     * Joins a room from a fix that must lie inside its radius (plus up to 100 m of the fix's
     * accuracy). The fix is used for this check only and is never stored or logged.
     */
    async joinRoom(user: User, roomId: string, fix: Fix): Promise<RoomView> {
      refuseGuest(user, "join other rooms");
      // Conversations are joined by invitation only; outsiders do not learn they exist.
      const room = await requireProximity(roomId);
      if (fix.accuracy > MAX_JOIN_ACCURACY_M) {
        throw unprocessable(
          "imprecise_location",
          "Location is too imprecise to join",
          {
            maxAccuracyM: MAX_JOIN_ACCURACY_M,
          },
        );
      }
      await place.location?.check(user.id, fix);
      await refuseExcluded(fix);
      const d = requireInside(room, fix, room.radiusM);
      await admitNew(user, room, d >= EDGE_SHARE * room.radiusM);
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
