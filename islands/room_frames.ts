import {
  ROOM_EVENT_TYPES,
  type RoomEventFrame,
  type ServerFrame,
} from "../lib/shared/protocol.ts";
import type { RoomAction } from "./room_reducer.ts";
import type { RoomState } from "./room_state.ts";

const EVENT_TYPES = new Set<string>(ROOM_EVENT_TYPES);

/** Whether a server frame is one of a room's durable, seq-numbered events. */
export function isRoomEvent(f: ServerFrame): f is RoomEventFrame {
  return EVENT_TYPES.has(f.type);
}

/** What a server frame means for one room: a reducer action, a notice to show, or nothing. */
export type FrameOutcome =
  | { action: RoomAction }
  | { notice: string }
  | null;

/** Translates a frame the tab socket routed to a room into what the room should do. */
export function frameToOutcome(
  s: RoomState,
  f: ServerFrame,
  now: number,
): FrameOutcome {
  if (isRoomEvent(f)) return { action: { type: "event", frame: f } };
  switch (f.type) {
    case "subscribed":
      return {
        action: {
          type: "subscribed",
          seq: f.seq,
          epoch: f.epoch,
          recovered: f.recovered,
        },
      };
    case "message.ack":
      return { action: { type: "ack", message: f.message } };
    case "typing":
      return { action: { type: "typing", user: f.user, now } };
    case "presence.state":
      return {
        action: {
          type: "presence",
          users: f.users,
          online: f.online,
          full: true,
        },
      };
    case "presence.update":
      return {
        action: {
          type: "presence",
          users: f.changes,
          online: f.online,
          full: false,
        },
      };
    case "receipts.state":
      return { action: { type: "receipts", marks: f.marks } };
    case "receipt.update":
      return { action: { type: "receipt", userId: f.userId, seq: f.seq } };
    case "unsubscribed":
      return f.reason === "left" ? { action: { type: "left" } } : null;
    case "error": {
      const mine = f.clientId &&
        s.pending.some((p) => p.clientId === f.clientId);
      if (mine) {
        return {
          action: {
            type: "sendFailed",
            clientId: f.clientId!,
            error: f.message,
            code: f.code,
          },
        };
      }
      return f.room === s.roomId ? { notice: f.message } : null;
    }
    default:
      return null;
  }
}
