import { keys } from "./keys.ts";
import type { RoomLog } from "./room_log.ts";
import type { Room } from "./rooms.ts";
import type { Store } from "./store.ts";

/** What an owner or admin may change about a room after creating it. */
export type RoomPatch = {
  name?: string;
  description?: string;
  slowModeS?: number;
};

/** Room edits: the record and its room.updated event in one commit on the room log. */
export function createRoomEdits(_store: Store, log: RoomLog) {
  return {
    /** Applies a patch; no event when nothing changes. 404 for an unknown room. */
    async updateRoom(roomId: string, patch: RoomPatch): Promise<Room | null> {
      const { result } = await log.change<Room | null>(
        roomId,
        [keys.room(roomId)],
        ({ entries }) => {
          const room = entries[0].value as Room | null;
          if (!room) return { done: null };
          const next = { ...room, ...patch };
          const slow = (next.slowModeS ?? 0) !== (room.slowModeS ?? 0);
          if (
            next.name === room.name && next.description === room.description &&
            !slow
          ) return { done: room };
          return {
            result: next,
            events: [{
              kind: "room.updated",
              name: next.name,
              description: next.description,
              ...(slow ? { slowModeS: next.slowModeS ?? 0 } : {}),
            }],
            mutate: (op) => void op.set(keys.room(roomId), next),
          };
        },
      );
      return result;
    },
  };
}

/** The room edits repository's type. */
export type RoomEdits = ReturnType<typeof createRoomEdits>;
