import { createAccountDeletions } from "../db/account_deletions.ts";
import { createBlocks } from "../db/blocks.ts";
import { createMembers } from "../db/members.ts";
import { createMessageActions } from "../db/message_actions.ts";
import { createMessages } from "../db/messages.ts";
import { createPrefs } from "../db/prefs.ts";
import { createRateLimits } from "../db/rate_limits.ts";
import { createReadMarks } from "../db/read_marks.ts";
import { createRoomEdits } from "../db/room_edits.ts";
import { createRoomLog } from "../db/room_log.ts";
import { createRooms } from "../db/rooms.ts";
import { createSessions } from "../db/sessions.ts";
import type { Store } from "../db/store.ts";
import { createUserStreams } from "../db/user_stream.ts";
import { createUsers } from "../db/users.ts";
import { createDeletionRunner } from "./account_deletion.ts";
import { createAccountExport } from "./account_export.ts";
import { createAccountSelf } from "./account_self.ts";
import { createAccounts } from "./accounts.ts";
import { createActionService } from "./actions.ts";
import { createChatService } from "./chat.ts";
import { createConversationService } from "./conversations.ts";
import { createInboxService } from "./inbox.ts";
import { createNotificationService } from "./notifications.ts";
import { createReceiptService } from "./receipts.ts";
import { silentSignals } from "./signals.ts";
import { createRoomService } from "./rooms.ts";

/** Every service, built over one store; routes, sockets, the CLI and tests share them. */
export function createServices(
  store: Store,
  opts: { sessionTtlMs: number; eventRetentionMs?: number },
) {
  // The fan-out hub is built after the services it uses, so it plugs itself in here.
  const signals = silentSignals();
  const log = createRoomLog(store, {
    retentionMs: opts.eventRetentionMs,
    onAppend: (roomId, seq) => signals.current.notify(roomId, seq),
  });
  const repos = {
    users: createUsers(store),
    sessions: createSessions(
      store,
      opts.sessionTtlMs,
      (userId, tokenHash) => signals.current.revoked(userId, tokenHash),
    ),
    limits: createRateLimits(store),
    rooms: createRooms(store),
    log,
    members: createMembers(store, log),
    messages: createMessages(store, log),
    actions: createMessageActions(store, log),
    streams: createUserStreams(store),
    readMarks: createReadMarks(store),
    prefs: createPrefs(store),
    deletions: createAccountDeletions(store),
    blocks: createBlocks(store),
  };
  const { users, limits, messages } = repos;
  const rooms = createRoomService(
    repos.rooms,
    repos.members,
    users,
    limits,
    store.clock,
    createRoomEdits(store, log),
  );
  const conversations = createConversationService({
    store,
    rooms,
    roomRepo: repos.rooms,
    members: repos.members,
    users,
    blocks: repos.blocks,
    limits,
    log,
  });
  return {
    store,
    conversations,
    inbox: createInboxService({
      store,
      users,
      readMarks: repos.readMarks,
      limits,
    }),
    /** The repositories, for the CLI and the fan-out, which need no per-user rules. */
    repos,
    signals,
    accounts: createAccounts(users, repos.sessions, limits),
    accountSelf: createAccountSelf({
      users,
      sessions: repos.sessions,
      limits,
      deletions: repos.deletions,
      runner: createDeletionRunner(repos),
      exporter: createAccountExport({ ...repos, rooms: repos.rooms }),
      clock: store.clock,
    }),
    rooms,
    chat: createChatService(
      store,
      messages,
      rooms,
      limits,
      conversations.sendGate,
    ),
    actions: createActionService(
      repos.actions,
      messages,
      rooms,
      users,
      limits,
    ),
    notifications: createNotificationService(repos.streams, messages),
    receipts: createReceiptService(
      repos.readMarks,
      repos.prefs,
      rooms,
      repos.rooms,
      messages,
      limits,
    ),
  };
}

/** The services bundle's type. */
export type Services = ReturnType<typeof createServices>;
