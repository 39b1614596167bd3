/**
 * Every Deno KV key Vicinity uses is built here; docs/kv-schema.md describes each one.
 * Keys are tuples led by a snake_case plural collection name.
 */
export const keys = {
  /** A user record, by id. */
  user: (userId: string) => ["users", userId] as const,
  /** Unique index: lower-cased handle → user id. */
  userByHandle: (handleLower: string) =>
    ["users_by_handle", handleLower] as const,
  /** A session, by the SHA-256 hex of its token (the token itself is never stored). */
  session: (tokenHash: string) => ["sessions", tokenHash] as const,
  /** Index of a user's sessions, so they can all be revoked. */
  sessionByUser: (userId: string, tokenHash: string) =>
    ["sessions_by_user", userId, tokenHash] as const,
  /** Prefix of one user's sessions. */
  sessionsByUserPrefix: (userId: string) =>
    ["sessions_by_user", userId] as const,
  /** A resumable account deletion job: the step it is at and its scan cursor. */
  accountDeletion: (userId: string) => ["account_deletions", userId] as const,
  /** Prefix of every pending account deletion, for the start-up sweep. */
  accountDeletionsPrefix: () => ["account_deletions"] as const,
  /** A room record, by id. */
  room: (roomId: string) => ["rooms", roomId] as const,
  /** A direct conversation of two people (ids in order) → its room id; one per pair. */
  directPair: (lowId: string, highId: string) =>
    ["direct_pairs", lowId, highId] as const,
  /** A direct conversation's request state (pending, declined); absent once accepted. */
  directState: (roomId: string) => ["direct_states", roomId] as const,
  /** How many owners a group has, so the last one cannot leave without handing over. */
  roomOwnerCount: (roomId: string) => ["room_owner_counts", roomId] as const,
  /** A conversation a user deleted for themselves: hidden until its message count passes this. */
  inboxHidden: (userId: string, roomId: string) =>
    ["inbox_hidden", userId, roomId] as const,
  /** Prefix of the conversations a user deleted for themselves. */
  inboxHiddenPrefix: (userId: string) => ["inbox_hidden", userId] as const,
  /** A user's block of another: they cannot DM or invite them, their messages are collapsed. */
  block: (userId: string, blockedId: string) =>
    ["blocks", userId, blockedId] as const,
  /** Prefix of the users someone blocked. */
  blocksPrefix: (userId: string) => ["blocks", userId] as const,
  /** Reverse index of blocks: who blocked a user (never shown to them). */
  blockedBy: (blockedId: string, userId: string) =>
    ["blocked_by", blockedId, userId] as const,
  /** A ban from a room: `{by, reason, at, until}`; joins read it in their commit. */
  roomBan: (roomId: string, userId: string) =>
    ["room_bans", roomId, userId] as const,
  /** Prefix of a room's bans. */
  roomBansPrefix: (roomId: string) => ["room_bans", roomId] as const,
  /** When a member last posted in a slow-mode room (epoch ms). */
  slowModeLast: (roomId: string, userId: string) =>
    ["slow_mode_last", roomId, userId] as const,
  /** Joins of a room in one minute's window, and how many came from its edge. */
  roomJoinWindow: (roomId: string, windowStart: number) =>
    ["room_join_windows", roomId, windowStart] as const,
  /** A room's raised raid shield: new joiners are held until it lapses or an admin lowers it. */
  raidShield: (roomId: string) => ["raid_shields", roomId] as const,
  /** A user's last fix as anti-spoofing keeps it: a ~150 m grid cell and a time. */
  userFix: (userId: string) => ["user_fixes", userId] as const,
  /** A peek: read-only access to a room from inside its read radius, until it lapses. */
  roomPeek: (roomId: string, userId: string) =>
    ["room_peeks", roomId, userId] as const,
  /** A room's secret for venue check-in codes (HMAC key), made on first use. */
  roomSecret: (roomId: string) => ["room_secrets", roomId] as const,
  /** Geo index: 9-char geohash of the room's centre → a small pin for distance filtering. */
  roomByGeohash: (geohash: string, roomId: string) =>
    ["rooms_by_geohash", geohash, roomId] as const,
  /** Collection prefix of the geo index, for range scans by geohash prefix. */
  roomsByGeohashPrefix: () => ["rooms_by_geohash"] as const,
  /** A room's head: last sequence number and time; every send checks and bumps it. */
  roomHead: (roomId: string) => ["room_heads", roomId] as const,
  /** A room's member count (a number, changed only in the commit that changes a membership). */
  roomMemberCount: (roomId: string) => ["room_member_counts", roomId] as const,
  /** Membership of a user in a room. */
  roomMember: (roomId: string, userId: string) =>
    ["room_members", roomId, userId] as const,
  /** Prefix of a room's members. */
  roomMembersPrefix: (roomId: string) => ["room_members", roomId] as const,
  /** Reverse membership index: the rooms a user has joined. */
  roomByMember: (userId: string, roomId: string) =>
    ["rooms_by_member", userId, roomId] as const,
  /** Prefix of the rooms a user has joined. */
  roomsByMemberPrefix: (userId: string) => ["rooms_by_member", userId] as const,
  /** A message, by room and its per-room sequence number (so ranges list in order). */
  message: (roomId: string, seq: number) => ["messages", roomId, seq] as const,
  /** Prefix of a room's messages. */
  messagesPrefix: (roomId: string) => ["messages", roomId] as const,
  /** Every room's messages, for scans by author (export, account deletion). */
  allMessagesPrefix: () => ["messages"] as const,
  /** Idempotency record: a sender's clientId in a room → the seq it produced. */
  messageByClientId: (roomId: string, userId: string, clientId: string) =>
    ["messages_by_client_id", roomId, userId, clientId] as const,
  /** A room's event log: every durable change, by its per-room seq (the head is the lock). */
  roomEvent: (roomId: string, seq: number) =>
    ["room_events", roomId, seq] as const,
  /** Prefix of a room's event log. */
  roomEventsPrefix: (roomId: string) => ["room_events", roomId] as const,
  /** A message's earlier texts, kept for moderators until the message is deleted. */
  messageEdit: (roomId: string, messageSeq: number, editSeq: number) =>
    ["message_edits", roomId, messageSeq, editSeq] as const,
  /** Prefix of one message's edit history. */
  messageEditsPrefix: (roomId: string, messageSeq: number) =>
    ["message_edits", roomId, messageSeq] as const,
  /** Who reacted to a message with an emoji. */
  reaction: (
    roomId: string,
    messageSeq: number,
    emoji: string,
    userId: string,
  ) => ["reactions", roomId, messageSeq, emoji, userId] as const,
  /** Prefix of one message's reactions. */
  reactionsPrefix: (roomId: string, messageSeq: number) =>
    ["reactions", roomId, messageSeq] as const,
  /** Every reaction of every room, for scans by reactor (export, account deletion). */
  allReactionsPrefix: () => ["reactions"] as const,
  /** A pinned message of a room. */
  roomPin: (roomId: string, messageSeq: number) =>
    ["room_pins", roomId, messageSeq] as const,
  /** Prefix of a room's pins. */
  roomPinsPrefix: (roomId: string) => ["room_pins", roomId] as const,
  /** Index of a thread's replies, by root seq then reply seq. */
  threadReply: (roomId: string, rootSeq: number, replySeq: number) =>
    ["thread_replies", roomId, rootSeq, replySeq] as const,
  /** Prefix of one thread's replies. */
  threadRepliesPrefix: (roomId: string, rootSeq: number) =>
    ["thread_replies", roomId, rootSeq] as const,
  /** Index of a room's messages by category, for filtered views. */
  messageByCategory: (roomId: string, category: string, seq: number) =>
    ["messages_by_category", roomId, category, seq] as const,
  /** Prefix of one category's messages in a room. */
  messagesByCategoryPrefix: (roomId: string, category: string) =>
    ["messages_by_category", roomId, category] as const,
  /** A user's own event stream head (notifications): last seq and epoch. */
  userHead: (userId: string) => ["user_heads", userId] as const,
  /** A user's event stream, by per-user seq. */
  userEvent: (userId: string, seq: number) =>
    ["user_events", userId, seq] as const,
  /** Prefix of a user's event stream. */
  userEventsPrefix: (userId: string) => ["user_events", userId] as const,
  /** The highest notification seq a user has read. */
  notificationRead: (userId: string) => ["notification_reads", userId] as const,
  /** A member's read mark in a room: the highest seq read. */
  readMark: (roomId: string, userId: string) =>
    ["read_marks", roomId, userId] as const,
  /** Prefix of a room's read marks. */
  readMarksPrefix: (roomId: string) => ["read_marks", roomId] as const,
  /** A user's preferences (private reading, …). */
  userPrefs: (userId: string) => ["user_prefs", userId] as const,
  /** One connection's presence in a room: status and expiresAt, refreshed while it lives. */
  roomPresence: (roomId: string, userId: string, connId: string) =>
    ["room_presence", roomId, userId, connId] as const,
  /** Prefix of a room's presence entries. */
  roomPresencePrefix: (roomId: string) => ["room_presence", roomId] as const,
  /** When a user was last connected (epoch ms). */
  lastSeen: (userId: string) => ["last_seen", userId] as const,
  /** A fixed-window rate-limit counter (Deno.KvU64). */
  rateLimit: (bucket: string, subject: string, windowStart: number) =>
    ["rate_limits", bucket, subject, windowStart] as const,
  /** A subject's failure streak for backoff: failures so far and the last attempt's time. */
  rateLimitBackoff: (bucket: string, subject: string) =>
    ["rate_limit_backoffs", bucket, subject] as const,

  // ── Moderation: the audit log, reports and automatic flags (issue 8, "Safety") ──
  /** An audit log entry, by its ULID, so a reverse scan lists newest first. */
  auditEntry: (id: string) => ["audit_log", id] as const,
  /** Prefix of the whole audit log. */
  auditPrefix: () => ["audit_log"] as const,
  /** A report of a message or a user (by a person or by the flag rules), by its ULID. */
  report: (reportId: string) => ["reports", reportId] as const,
  /** Index of reports by status, newest first by id (the site-wide queue). */
  reportByStatus: (status: string, reportId: string) =>
    ["reports_by_status", status, reportId] as const,
  /** Prefix of the reports in one status. */
  reportsByStatusPrefix: (status: string) =>
    ["reports_by_status", status] as const,
  /** Index of a room's reports by status (the room moderators' queue). */
  reportByRoom: (roomId: string, status: string, reportId: string) =>
    ["reports_by_room", roomId, status, reportId] as const,
  /** Prefix of a room's reports in one status. */
  reportsByRoomPrefix: (roomId: string, status: string) =>
    ["reports_by_room", roomId, status] as const,
  /** Index of every report a user made, for their export. */
  reportByReporter: (userId: string, reportId: string) =>
    ["reports_by_reporter", userId, reportId] as const,
  /** Prefix of the reports a user made. */
  reportsByReporterPrefix: (userId: string) =>
    ["reports_by_reporter", userId] as const,
  /** A reporter's open report of a target ("message:<room>:<seq>" or "user:<id>") → its id. */
  openReportByReporter: (reporterId: string, target: string) =>
    ["open_reports_by_reporter", reporterId, target] as const,
  /** The open automatic report of a target → its id: one per target. */
  openFlagByTarget: (target: string) =>
    ["open_flags_by_target", target] as const,
  /** How many people hold an open report of a target (the many-reports rule). */
  reportCount: (target: string) => ["report_counts", target] as const,
  /** The links a user posted lately, with times (the repeated-link rule). */
  recentLinks: (userId: string) => ["recent_links", userId] as const,
  /** A user's messages in one room within one fixed flood window. */
  floodCount: (roomId: string, userId: string, windowStart: number) =>
    ["flood_counts", roomId, userId, windowStart] as const,

  // ── Analytics: counters kept as things happen, never by scanning (issue 9, "Analytics") ──
  /** One UTC day's counters (Deno.KvU64), all under one prefix so a range is one list. */
  statsDailyPrefix: () => ["stats_daily"] as const,
  /** Messages sent on a UTC day ("YYYY-MM-DD"); shadow messages are not counted. */
  statsMessages: (day: string) => ["stats_daily", day, "messages"] as const,
  /** Rooms created on a UTC day, by kind (proximity, direct, group). */
  statsRoomsCreated: (day: string, kind: string) =>
    ["stats_daily", day, "rooms", kind] as const,
  /** Joins of proximity rooms on a UTC day, by the room's category. */
  statsJoins: (day: string, category: string) =>
    ["stats_daily", day, "joins", category] as const,
  /** Distinct users active on a UTC day (raised with the marker below). */
  statsActiveUsers: (day: string) => ["stats_daily", day, "active"] as const,
  /** The once-a-day marker: a user was counted active on this UTC day. */
  statsActive: (day: string, userId: string) =>
    ["stats_active", day, userId] as const,
  /** Messages in one room on a UTC day (Deno.KvU64), for the busiest rooms. */
  statsRoomMessages: (day: string, roomId: string) =>
    ["stats_room_messages", day, roomId] as const,
  /** Prefix of every day's per-room message counters, listed by day range. */
  statsRoomMessagesPrefix: () => ["stats_room_messages"] as const,
  /** Every user record, for the paged admin list (ULIDs: a reverse scan is newest first). */
  usersPrefix: () => ["users"] as const,
  /** Every room record, for the paged admin list. */
  roomsPrefix: () => ["rooms"] as const,

  // ── Proximity: people nearby and exclusion zones (issue 7, "Proximity you can trust") ──
  /** A user's opt-in visibility to people nearby: the centre of their 1 km cell, never the fix. */
  visibility: (userId: string) => ["visibilities", userId] as const,
  /** Geo index of visible people: 9-char geohash of their cell centre → their visibility. */
  visibilityByGeohash: (geohash: string, userId: string) =>
    ["visibilities_by_geohash", geohash, userId] as const,
  /** Collection prefix of the people geo index, for range scans by geohash prefix. */
  visibilitiesByGeohashPrefix: () => ["visibilities_by_geohash"] as const,
  /** An exclusion zone (operators): no room may be created or joined inside its polygon. */
  zone: (zoneId: string) => ["zones", zoneId] as const,
  /** Every exclusion zone. */
  zonesPrefix: () => ["zones"] as const,
  // ── end of Proximity ──

  // ── Embedding: the widget's settings and origins (issue 9, "Embeddable widget") ──
  /** A room's embed settings: the sites allowed to frame it, guests, venue screen. */
  roomEmbed: (roomId: string) => ["room_embeds", roomId] as const,
  /** Index: a site (origin) → a room that lists it, for the WebSocket origin check. */
  embedOriginRoom: (origin: string, roomId: string) =>
    ["embed_origin_rooms", origin, roomId] as const,
  /** Prefix of the rooms that list one site. */
  embedOriginRoomsPrefix: (origin: string) =>
    ["embed_origin_rooms", origin] as const,
  // ── end of Embedding ──
};
