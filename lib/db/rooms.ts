import {
  coverCircle,
  encodeGeohash,
  FIRST_SEARCH_RADIUS_M,
  geohashRange,
  nextSearchRadius,
} from "../geo/cover.ts";
import { distanceM, type LatLng } from "../geo/distance.ts";
import type { CreateRoomInput, RoomCategory } from "../shared/schemas.ts";
import { keys } from "./keys.ts";
import type { Membership } from "./members.ts";
import { newEpoch, type RoomHead } from "./room_log.ts";
import { getManyBatched, retryCommit, type Store } from "./store.ts";

/** A room as stored. */
export type Room = {
  id: string;
  name: string;
  description: string;
  lat: number;
  lng: number;
  radiusM: number;
  category: RoomCategory;
  geohash: string;
  ownerId: string;
  createdAt: number;
  expiresAt: number | null;
  /** The kind the policy table is keyed by; rooms made before kinds existed are proximity rooms. */
  kind?: "proximity";
};

export type { RoomHead } from "./room_log.ts";

/** What the geo index holds, enough to filter by distance and expiry without reading rooms. */
type RoomPin = { lat: number; lng: number; expiresAt: number | null };

/** A room found near a point, with the numbers a list shows beside it. */
export type NearbyRoom = { room: Room; distanceM: number };

const live = (expiresAt: number | null, now: number) =>
  expiresAt === null || expiresAt > now;

/** The rooms repository: records, the geohash index and each room's head key. */
export function createRooms({ kv, clock, newId }: Store) {
  async function scanCells(center: LatLng, radiusM: number, now: number) {
    const found: { id: string; distanceM: number }[] = [];
    await Promise.all(
      coverCircle(center, radiusM).map(async (cell) => {
        const { start, end } = geohashRange(cell);
        const prefix = keys.roomsByGeohashPrefix();
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
      }),
    );
    return found;
  }

  return {
    /** Stores a room, its geo pin and its empty head, and makes the owner its first member. */
    async createRoom(ownerId: string, input: CreateRoomInput): Promise<Room> {
      const now = clock.now();
      const room: Room = {
        id: newId(),
        name: input.name,
        description: input.description,
        lat: input.lat,
        lng: input.lng,
        radiusM: input.radiusM,
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

    /** A live room by id, or null when unknown or expired. */
    async getRoom(id: string): Promise<Room | null> {
      const room = (await kv.get<Room>(keys.room(id))).value;
      return room && live(room.expiresAt, clock.now()) ? room : null;
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
      let r = Math.min(radiusM, FIRST_SEARCH_RADIUS_M);
      let found = await scanCells(center, r, now);
      // Every room within r was seen, so once `limit` are found the nearest are among them.
      while (found.length < limit && r < radiusM) {
        r = nextSearchRadius(r, found.length, limit, radiusM);
        found = await scanCells(center, r, now);
      }
      found.sort((a, b) => a.distanceM - b.distanceM || (a.id < b.id ? -1 : 1));
      const top = found.slice(0, limit);
      const rooms = await getManyBatched<Room>(
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
