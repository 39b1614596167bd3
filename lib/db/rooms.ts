import {
  coverRanges,
  encodeGeohash,
  FIRST_SEARCH_RADIUS_M,
  type HashRange,
  hashRangeBounds,
  mergeRanges,
  nextSearchRadius,
  subtractRanges,
} from "../geo/cover.ts";
import { distanceM, type LatLng } from "../geo/distance.ts";
import {
  type CreateRoomInput,
  ROOM_RADIUS_M,
  type RoomCategory,
} from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import type { Membership } from "./members.ts";
import type { User } from "./users.ts";
import { newEpoch, type RoomHead } from "./room_log.ts";
import { appendUserEvent, type UserHead } from "./user_stream.ts";
import { getManyBatched, retryCommit, type Store } from "./store.ts";

/** What every kind of room stores. */
type RoomBase = {
  id: string;
  name: string;
  description: string;
  category: RoomCategory;
  /** Who created it; in a proximity room the creator stays its owner. */
  ownerId: string;
  createdAt: number;
  expiresAt: number | null;
  /** Seconds a member waits between messages; absent or 0: off. */
  slowModeS?: number;
};

/** A public room at a point: found on the map, joined from inside its radius. */
export type ProximityRoom = RoomBase & {
  /** The kind the policy table is keyed by; rooms made before kinds existed are proximity rooms. */
  kind?: "proximity";
  /** The public centre: a grid cell's when created "here", else the place picked on a map. */
  lat: number;
  lng: number;
  /** The post radius: join and post from inside it. */
  radiusM: number;
  /** The read radius (peek); absent on older rooms, which read as radiusM. */
  readRadiusM?: number;
  placement?: "here" | "map";
  geohash: string;
};

/** A private conversation: a direct message between two people, or a group with roles. */
export type ConversationRoom = RoomBase & {
  kind: "direct" | "group";
  /** A direct conversation's two people, in id order. */
  pair?: [string, string];
};

/** A room as stored. */
export type Room = ProximityRoom | ConversationRoom;

/** Whether a room is a proximity room (the only kind with a place). */
export const isProximity = (r: Room): r is ProximityRoom =>
  r.kind === undefined || r.kind === "proximity";

/** A direct conversation's request state; absent means accepted (or a group). */
export type DirectState = {
  state: "pending" | "accepted" | "declined";
  /** Who asked, and whether their one message before an answer is spent. */
  requester: string;
  requestSent: boolean;
};

/** A new conversation's first members, each with a role. */
export type ConversationSeed = {
  kind: "direct" | "group";
  name: string;
  description: string;
  owner: string;
  /** A direct conversation's other person and whether it starts as a request. */
  peer?: { id: string; request: boolean };
};

export type { RoomHead } from "./room_log.ts";

/** What the geo index holds, enough to filter by distance and expiry without reading rooms. */
type RoomPin = { lat: number; lng: number; expiresAt: number | null };

/** A room found near a point, with the numbers a list shows beside it. */
export type NearbyRoom = { room: ProximityRoom; distanceM: number };

const live = (expiresAt: number | null, now: number) =>
  expiresAt === null || expiresAt > now;

/** Whether an event room is past its end. */
export const hasEnded = (r: { expiresAt: number | null }, now: number) =>
  !live(r.expiresAt, now);

/** A proximity room's read radius (older rooms had only one radius). */
export const readRadiusOf = (r: ProximityRoom) => r.readRadiusM ?? r.radiusM;

/** The rooms repository: records, the geohash index and each room's head key. */
export function createRooms({ kv, clock, newId }: Store) {
  /**
   * Nearest-first search of the geo index. Each step covers a wider circle (from 250 m, sized
   * by the density found so far) with merged runs of geohash cells and lists only the runs no
   * earlier step listed, so no index entry is read twice; it keeps every live pin within
   * `radiusM` it meets. Stops once `limit` are within the step's radius: every room that near
   * has been seen, so the nearest `limit` are among those found.
   */
  async function scanNearby(
    center: LatLng,
    radiusM: number,
    limit: number,
    now: number,
  ) {
    const prefix = keys.roomsByGeohashPrefix();
    const found: { id: string; distanceM: number }[] = [];
    let listed: HashRange[] = [];
    let r = Math.min(radiusM, FIRST_SEARCH_RADIUS_M);
    for (;;) {
      const todo = subtractRanges(coverRanges(center, r), listed);
      await Promise.all(todo.map(async (range) => {
        const { start, end } = hashRangeBounds(range);
        for await (
          const e of kv.list<RoomPin>({
            start: [...prefix, start],
            end: [...prefix, end],
          })
        ) {
          if (!live(e.value.expiresAt, now)) continue;
          const d = distanceM(center, e.value);
          if (d <= radiusM) {
            found.push({ id: e.key[2] as string, distanceM: d });
          }
        }
      }));
      listed = mergeRanges(listed, todo);
      if (r >= radiusM) return found;
      let within = 0;
      for (const f of found) if (f.distanceM <= r) within++;
      if (within >= limit) return found;
      r = nextSearchRadius(r, within, limit, radiusM);
    }
  }

  return {
    /** Stores a room, its geo pin and its empty head, and makes the owner its first member. */
    async createRoom(
      ownerId: string,
      input: CreateRoomInput,
    ): Promise<ProximityRoom> {
      const now = clock.now();
      const room: ProximityRoom = {
        id: newId(),
        name: input.name,
        description: input.description,
        lat: input.lat,
        lng: input.lng,
        radiusM: input.radiusM,
        readRadiusM: input.readRadiusM ??
          Math.min(2 * input.radiusM, ROOM_RADIUS_M.max),
        placement: input.placement ?? "here",
        category: input.category,
        geohash: encodeGeohash(input),
        ownerId,
        createdAt: now,
        expiresAt: input.expiresAt ? Date.parse(input.expiresAt) : null,
      };
      const pin: RoomPin = {
        lat: room.lat,
        lng: room.lng,
        expiresAt: room.expiresAt,
      };
      const head: RoomHead = { seq: 0, lastMessageAt: null, epoch: newEpoch() };
      const owner: Membership = { joinedAt: now, role: "owner", joinSeq: 0 };
      const ok = await retryCommit("rooms", async () =>
        (await kv.atomic()
          .check({ key: keys.room(room.id), versionstamp: null })
          .set(keys.room(room.id), room)
          .set(keys.roomByGeohash(room.geohash, room.id), pin)
          .set(keys.roomHead(room.id), head)
          .set(keys.roomMember(room.id, ownerId), owner)
          .set(keys.roomByMember(ownerId, room.id), owner)
          .set(keys.roomMemberCount(room.id), 1)
          .commit()).ok);
      if (!ok) throw new Error("room id collision");
      return room;
    },

    /**
     * Creates a group (its creator the owner) or a direct conversation (both people members),
     * in one commit. A direct conversation claims its pair key, so two people starting one at
     * once get one: the loser answers the existing id with created=false.
     */
    async createConversation(
      seed: ConversationSeed,
    ): Promise<{ roomId: string; created: boolean }> {
      const now = clock.now();
      const id = newId();
      const pair = seed.peer
        ? [seed.owner, seed.peer.id].sort() as [string, string]
        : undefined;
      const room: ConversationRoom = {
        id,
        kind: seed.kind,
        name: seed.name,
        description: seed.description,
        category: "social",
        ownerId: seed.owner,
        createdAt: now,
        expiresAt: null,
        ...(pair ? { pair } : {}),
      };
      const head: RoomHead = { seq: 0, lastMessageAt: null, epoch: newEpoch() };
      return await retryCommit("conversations", async () => {
        const pairKey = pair && keys.directPair(pair[0], pair[1]);
        const existing = pairKey ? await kv.get<string>(pairKey) : null;
        if (existing?.value) return { roomId: existing.value, created: false };
        // Both people of a direct conversation are plain members; a group's creator owns it.
        const first: Membership = {
          joinedAt: now,
          role: seed.peer ? "member" : "owner",
          joinSeq: 0,
        };
        const op = kv.atomic()
          .check({ key: keys.room(id), versionstamp: null })
          .set(keys.room(id), room)
          .set(keys.roomHead(id), head)
          .set(keys.roomMember(id, seed.owner), first)
          .set(keys.roomByMember(seed.owner, id), first)
          .set(keys.roomMemberCount(id), seed.peer ? 2 : 1);
        // The creator's other tabs learn of it too: their inbox starts following it.
        const ownHead = await kv.get<UserHead>(keys.userHead(seed.owner));
        op.check(ownHead);
        appendUserEvent(op, seed.owner, ownHead, {
          roomId: id,
          why: "added",
        }, now);
        if (seed.peer && existing && pairKey) {
          const peer: Membership = {
            joinedAt: now,
            role: "member",
            joinSeq: 0,
          };
          op.check(existing).set(pairKey, id)
            .set(keys.roomMember(id, seed.peer.id), peer)
            .set(keys.roomByMember(seed.peer.id, id), peer);
          if (seed.peer.request) {
            const state: DirectState = {
              state: "pending",
              requester: seed.owner,
              requestSent: false,
            };
            op.set(keys.directState(id), state);
          }
          const peerHead = await kv.get<UserHead>(keys.userHead(seed.peer.id));
          op.check(peerHead);
          appendUserEvent(op, seed.peer.id, peerHead, {
            roomId: id,
            why: "added",
          }, now);
        } else {
          op.set(keys.roomOwnerCount(id), 1);
        }
        return (await op.commit()).ok ? { roomId: id, created: true } : null;
      });
    },

    /** A direct conversation's request state, or null when it is not (or no longer) a request. */
    async getDirectState(roomId: string): Promise<DirectState | null> {
      return (await kv.get<DirectState>(keys.directState(roomId))).value;
    },

    /** The direct conversation of two people, if they have one. */
    async getDirectRoomId(a: string, b: string): Promise<string | null> {
      const [x, y] = [a, b].sort();
      return (await kv.get<string>(keys.directPair(x, y))).value;
    },

    /**
     * A room by id, or null when unknown or purged. An ended event room is still returned
     * (read-only): callers check `hasEnded` before a write.
     */
    async getRoom(id: string): Promise<Room | null> {
      return (await kv.get<Room>(keys.room(id))).value;
    },

    /**
     * A room (as getRoom), one user's membership in it, and that user's record as stored now,
     * in one round trip: what every action in a room reads first.
     */
    async getWithMember(roomId: string, userId: string) {
      const [room, membership, user] = await kv.getMany<
        [Room, Membership, User]
      >([
        keys.room(roomId),
        keys.roomMember(roomId, userId),
        keys.user(userId),
      ]);
      return {
        room: room.value,
        membership: membership.value,
        user: user.value,
      };
    },

    /** Head and member count of rooms, in the order given. */
    async getRoomStats(
      ids: string[],
    ): Promise<{ head: RoomHead; memberCount: number }[]> {
      const entries = await getManyBatched<unknown>(
        kv,
        ids.flatMap((id) => [keys.roomHead(id), keys.roomMemberCount(id)]),
      );
      return ids.map((_, i) => ({
        head: (entries[2 * i].value as RoomHead | null) ??
          { seq: 0, lastMessageAt: null },
        memberCount: (entries[2 * i + 1].value as number | null) ?? 0,
      }));
    },

    /**
     * Live rooms whose centre is within radiusM of a point, nearest first, at most `limit`.
     * Searches a growing ladder of radii so a dense area stops early on a small cover.
     */
    async listRoomsNearby(
      center: LatLng,
      radiusM: number,
      limit: number,
    ): Promise<NearbyRoom[]> {
      const now = clock.now();
      const found = await scanNearby(center, radiusM, limit, now);
      found.sort((a, b) => a.distanceM - b.distanceM || (a.id < b.id ? -1 : 1));
      const top = found.slice(0, limit);
      const rooms = await getManyBatched<ProximityRoom>(
        kv,
        top.map((f) => keys.room(f.id)),
      );
      return top.flatMap((f, i) => {
        const room = rooms[i].value;
        return room && live(room.expiresAt, now)
          ? [{ room, distanceM: f.distanceM }]
          : [];
      });
    },
  };
}

/** The rooms repository's type. */
export type Rooms = ReturnType<typeof createRooms>;
