/** Fan-out set-up: users, rooms and memberships on a fresh server, and the send-limit pacing. */
import { createRoom, joinRoom, registerUser } from "../tests/helpers/api.ts";
import { mapLimit } from "./fanout_client.ts";

const CITY = { lat: 52.52, lng: 13.405 };
// The send limit: 60 per user per fixed 10 s window (lib/services/limits.ts), kept to 55.
const SEND_WINDOW_MS = 10_000;
const SEND_BUDGET = 55;

const windowOf = (ms: number) => Math.floor(ms / SEND_WINDOW_MS);

/**
 * Keeps one server's ops within the send limit: counts every op by the limit's window, and
 * before a block waits for the next window when the block could overflow this one. A block
 * sends at most the budget, so what it spills into the next window fits there too.
 */
export function createPacer(users: number) {
  const perWindow = new Map<number, number>();
  return {
    /** Counts one op (edits and reactions too, though their own limit is 120). */
    onOp() {
      const w = windowOf(Date.now());
      perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
    },
    /** Waits until a block of `ops` ops (spread evenly over the users) fits the window. */
    async before(ops: number) {
      const perUser = (n: number) => Math.ceil(n / users) + 1;
      if (perUser(ops) > SEND_BUDGET) {
        throw new Error(`${ops} ops overflow the send limit`);
      }
      const now = Date.now();
      const used = perWindow.get(windowOf(now)) ?? 0;
      if (used === 0 || perUser(used) + perUser(ops) <= SEND_BUDGET) return;
      await new Promise((r) =>
        setTimeout(r, SEND_WINDOW_MS - (now % SEND_WINDOW_MS) + 200)
      );
    },
  };
}

/** A server's pacer. */
export type Pacer = ReturnType<typeof createPacer>;

/** Registers `nUsers` users and makes `nRooms` rooms that all of them have joined. */
export async function setupServer(
  base: string,
  nUsers: number,
  nRooms: number,
) {
  // Registration hashes with PBKDF2 (600k rounds), so two at a time keeps both isolates busy.
  const users = await mapLimit(
    Array.from({ length: nUsers }),
    2,
    () => registerUser(base, "bench"),
  );
  const points = Array.from({ length: nRooms }, (_, i) => ({
    lat: CITY.lat + 0.01 * Math.floor(i / 5),
    lng: CITY.lng + 0.01 * (i % 5),
  }));
  const rooms = await mapLimit(
    points,
    1,
    (p, i) => createRoom(base, users[0], p, { name: `Bench room ${i}` }),
  );
  const joins = users.slice(1).flatMap((u) =>
    rooms.map((r, i) => ({ u, r, i }))
  );
  await mapLimit(
    joins,
    10,
    ({ u, r, i }) => joinRoom(base, u, r.id, points[i]),
  );
  return { users, roomIds: rooms.map((r) => r.id) };
}
