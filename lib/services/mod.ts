import { createMembers } from "../db/members.ts";
import { createMessages } from "../db/messages.ts";
import { createRateLimits } from "../db/rate_limits.ts";
import { createRooms } from "../db/rooms.ts";
import { createSessions } from "../db/sessions.ts";
import type { Store } from "../db/store.ts";
import { createUsers } from "../db/users.ts";
import { createAccounts } from "./accounts.ts";
import { createChatService } from "./chat.ts";
import { silentSignals } from "./signals.ts";
import { createRoomService } from "./rooms.ts";

/** Every service, built over one store; routes, sockets, the CLI and tests share them. */
export function createServices(store: Store, opts: { sessionTtlMs: number }) {
  const repos = {
    users: createUsers(store),
    sessions: createSessions(store, opts.sessionTtlMs),
    limits: createRateLimits(store),
    rooms: createRooms(store),
    members: createMembers(store),
    messages: createMessages(store),
  };
  const { users, limits } = repos;
  // The fan-out hub is built after the services it uses, so it plugs itself in here.
  const signals = silentSignals();
  const rooms = createRoomService(
    repos.rooms,
    repos.members,
    users,
    limits,
    store.clock,
    signals,
  );
  return {
    store,
    /** The repositories, for the CLI and the fan-out, which need no per-user rules. */
    repos,
    signals,
    accounts: createAccounts(users, repos.sessions, limits),
    rooms,
    chat: createChatService(repos.messages, rooms, limits, signals),
  };
}

/** The services bundle's type. */
export type Services = ReturnType<typeof createServices>;
