import { createMembers } from "../db/members.ts";
import { createMessages } from "../db/messages.ts";
import { createRateLimits } from "../db/rate_limits.ts";
import { createRooms } from "../db/rooms.ts";
import { createSessions } from "../db/sessions.ts";
import type { Store } from "../db/store.ts";
import { createUsers } from "../db/users.ts";
import { createAccounts } from "./accounts.ts";
import { createChatService, type RoomSignals } from "./chat.ts";
import { createRoomService } from "./rooms.ts";

/** Every service, built over one store; routes, sockets, the CLI and tests share them. */
export function createServices(store: Store, opts: { sessionTtlMs: number }) {
  const users = createUsers(store);
  const sessions = createSessions(store, opts.sessionTtlMs);
  const limits = createRateLimits(store);
  const messages = createMessages(store);
  const rooms = createRoomService(
    createRooms(store),
    createMembers(store),
    users,
    limits,
    store.clock,
  );
  // The fan-out hub is built after the services it uses, so it plugs itself in here.
  const signals: { current: RoomSignals } = { current: { notify() {} } };
  return {
    store,
    users,
    messages,
    limits,
    signals,
    accounts: createAccounts(users, sessions, limits),
    rooms,
    chat: createChatService(messages, rooms, limits, signals),
  };
}

/** The services bundle's type. */
export type Services = ReturnType<typeof createServices>;
