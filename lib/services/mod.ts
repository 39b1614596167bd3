import { createAccountDeletions } from "../db/account_deletions.ts";
import { createAuditLog } from "../db/audit.ts";
import { createBlocks } from "../db/blocks.ts";
import { createRaidShields } from "../db/raid_shield.ts";
import { createMembers } from "../db/members.ts";
import { createMessageActions } from "../db/message_actions.ts";
import { createMessages } from "../db/messages.ts";
import { createPeople } from "../db/people.ts";
import { createPrefs } from "../db/prefs.ts";
import { createRateLimits } from "../db/rate_limits.ts";
import { createReadMarks } from "../db/read_marks.ts";
import { createReports } from "../db/reports.ts";
import { createRoomEdits } from "../db/room_edits.ts";
import { createRoomLog } from "../db/room_log.ts";
import { createRooms } from "../db/rooms.ts";
import { createSessions } from "../db/sessions.ts";
import { createStats } from "../db/stats.ts";
import type { Store } from "../db/store.ts";
import { createUserStreams } from "../db/user_stream.ts";
import { createUsers } from "../db/users.ts";
import { createZones } from "../db/zones.ts";
import { createDeletionRunner } from "./account_deletion.ts";
import { createAccountExport } from "./account_export.ts";
import { createAccountSelf } from "./account_self.ts";
import { createAccounts } from "./accounts.ts";
import { createActionService } from "./actions.ts";
import { createChatService } from "./chat.ts";
import { createConversationService } from "./conversations.ts";
import { createFlagContext, flagMessage } from "./flags.ts";
import { createInboxService } from "./inbox.ts";
import { createLocationChecks } from "./location.ts";
import { createRoomPurge } from "./room_purge.ts";
import { createVenueCodes } from "./venue.ts";
import { createPeeks } from "../db/peeks.ts";
import { createModerationService } from "./moderation.ts";
import { createNotificationService } from "./notifications.ts";
import { createPeopleService } from "./people.ts";
import { createReceiptService } from "./receipts.ts";
import { createReportService } from "./reports.ts";
import { silentSignals } from "./signals.ts";
import { createRoomService } from "./rooms.ts";
import { createStatsService } from "./stats.ts";

/** Every service, built over one store; routes, sockets, the CLI and tests share them. */
export function createServices(
  store: Store,
  opts: {
    sessionTtlMs: number;
    eventRetentionMs?: number;
    /** VICINITY_FLAG_WORDS: the words that flag a message. */
    flagWords?: readonly string[];
    /** Whether a surge of joins holds newcomers read-only (default on). */
    raidShield?: boolean;
    /** Fixes implying more than this are implausible (default 300 km/h; null: no check). */
    maxSpeedKmh?: number | null;
    /** How long a location confirmation lets a member post (default 12 h). */
    leaseMs?: number;
    /** How long an ended event room is kept before its purge (default 30 days). */
    endedRoomRetentionMs?: number;
    /** Hears of failures in work a request does not wait for (automatic flags). */
    onBackgroundError?: (what: string, err: unknown) => void;
  },
) {
  // The fan-out hub is built after the services it uses, so it plugs itself in here.
  const signals = silentSignals();
  const log = createRoomLog(store, {
    retentionMs: opts.eventRetentionMs,
    onAppend: (roomId, seq, events) =>
      signals.current.notify(roomId, seq, events),
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
    shields: createRaidShields(store),
    audit: createAuditLog(store),
    reports: createReports(store),
    peeks: createPeeks(store),
    people: createPeople(store),
    zones: createZones(store),
  };
  const purge = createRoomPurge(store, {
    retentionMs: opts.endedRoomRetentionMs ?? 30 * 86_400_000,
  });
  const { users, limits, messages } = repos;
  // The automatic flag rules: the send path runs flagMessage after a send has answered.
  const flags = createFlagContext(store, repos.reports, opts.flagWords ?? []);
  const roomEdits = createRoomEdits(store, log);
  // Analytics counters; a counting failure is reported, never the counted action's.
  const stats = createStatsService({
    stats: createStats(store),
    rooms: repos.rooms,
    clock: store.clock,
    onError: opts.onBackgroundError,
  });
  const rooms = createRoomService(
    repos.rooms,
    repos.members,
    users,
    limits,
    store.clock,
    roomEdits,
    opts.raidShield === false ? undefined : repos.shields,
    {
      location: createLocationChecks(store, {
        maxSpeedKmh: opts.maxSpeedKmh === undefined ? 300 : opts.maxSpeedKmh,
      }),
      peeks: repos.peeks,
      zoneAt: (p) => repos.zones.findZoneAt(p),
      venue: createVenueCodes(store),
      onCreated: (room) => purge.schedule(room),
      leaseMs: opts.leaseMs,
    },
    stats,
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
    stats,
    visibleNearby: async (userId) =>
      (await repos.people.getVisibility(userId)) !== null,
  });
  return {
    store,
    purge,
    stats,
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
    people: createPeopleService({
      people: repos.people,
      users,
      blocks: repos.blocks,
      limits,
      clock: store.clock,
    }),
    chat: createChatService(
      store,
      messages,
      rooms,
      limits,
      conversations,
      // Flags run after the send has answered; a failure is logged, never the sender's.
      (message, floodCount) =>
        void flagMessage(flags, message, floodCount).catch((err) =>
          opts.onBackgroundError?.("flags.failed", err)
        ),
    ),
    actions: createActionService(
      repos.actions,
      messages,
      rooms,
      users,
      limits,
      { audit: repos.audit, clock: store.clock },
    ),
    moderation: createModerationService({
      store,
      rooms,
      members: repos.members,
      users,
      sessions: repos.sessions,
      edits: roomEdits,
      shields: repos.shields,
      audit: repos.audit,
      limits,
    }),
    notifications: createNotificationService(repos.streams, messages),
    receipts: createReceiptService(
      repos.readMarks,
      repos.prefs,
      rooms,
      repos.rooms,
      messages,
      limits,
    ),
    flags,
    reports: createReportService({
      reports: repos.reports,
      rooms,
      roomRepo: repos.rooms,
      messages,
      users,
      limits,
      audit: repos.audit,
    }),
  };
}

/** The services bundle's type. */
export type Services = ReturnType<typeof createServices>;
