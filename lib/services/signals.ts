import type { RoomEvent } from "../db/room_log.ts";

/** What the fan-out hears from the store: a room's log moved, or a session ended. */
export type RoomSignals = {
  /** Events up to this seq were committed in the room (`events` just now); deliver them. */
  notify(roomId: string, seq: number, events?: RoomEvent[]): void;
  /** The session whose token hashes to `tokenHash` was revoked; close its sockets. */
  revoked(userId: string, tokenHash: string): void;
};

/** Signals that go nowhere, until the hub plugs itself in. */
export function silentSignals(): { current: RoomSignals } {
  return { current: { notify() {}, revoked() {} } };
}
