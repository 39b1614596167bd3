/** What the fan-out hears from the services: a committed message, a member who left. */
export type RoomSignals = {
  /** A message with this seq was committed; deliver it now. */
  notify(roomId: string, seq: number): void;
  /** A user left the room; their live subscriptions to it must end on every isolate. */
  memberLeft(roomId: string, userId: string): void;
};

/** Signals that go nowhere, until the hub plugs itself in. */
export function silentSignals(): { current: RoomSignals } {
  return { current: { notify() {}, memberLeft() {} } };
}
