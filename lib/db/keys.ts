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
  /** A room record, by id. */
  room: (roomId: string) => ["rooms", roomId] as const,
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
  /** A message, by room and its per-room sequence number (so ranges list in order). */
  message: (roomId: string, seq: number) => ["messages", roomId, seq] as const,
  /** Prefix of a room's messages. */
  messagesPrefix: (roomId: string) => ["messages", roomId] as const,
  /** Idempotency record: a sender's clientId in a room → the seq it produced. */
  messageByClientId: (roomId: string, userId: string, clientId: string) =>
    ["messages_by_client_id", roomId, userId, clientId] as const,
  /** A fixed-window rate-limit counter (Deno.KvU64). */
  rateLimit: (bucket: string, subject: string, windowStart: number) =>
    ["rate_limits", bucket, subject, windowStart] as const,
};
