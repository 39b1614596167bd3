import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../../lib/http/env.ts";
import { validationHook } from "../../lib/http/errors.ts";
import {
  type DocNotes,
  type DocumentConfig,
  finishDocument,
  type OpenApiDocument,
  registerNamedSchemas,
} from "../../lib/http/openapi.ts";
import { cookieWritesFromOwnOrigin } from "../../lib/http/origin.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { accountRoutes } from "./account.ts";
import { adminStatsRoutes } from "./admin_stats.ts";
import { authRoutes } from "./auth.ts";
import { conversationRoutes } from "./conversations.ts";
import { embedRoutes } from "./embed.ts";
import { inboxRoutes } from "./inbox.ts";
import { moderationRoutes } from "./moderation.ts";
import { moderationActionRoutes } from "./moderation_actions.ts";
import { meRoutes } from "./me.ts";
import { messageActionRoutes } from "./message_actions.ts";
import { messageRoutes } from "./messages.ts";
import { peopleRoutes } from "./people.ts";
import { roomLiveRoutes } from "./room_live.ts";
import { roomRoutes } from "./rooms.ts";

/** Largest JSON body the API reads, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The versioned JSON API, mounted at /api/v1, with its OpenAPI document. */
export function createApiRoutes() {
  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  api.use(bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError(
        413,
        "payload_too_large",
        `Body is over ${MAX_BODY_BYTES} bytes`,
      );
    },
  }));
  api.use(cookieWritesFromOwnOrigin());
  api.route("/", authRoutes);
  api.route("/", roomRoutes);
  api.route("/", messageRoutes);
  api.route("/", messageActionRoutes);
  api.route("/", roomLiveRoutes);
  api.route("/", meRoutes);
  api.route("/", peopleRoutes);
  api.route("/", accountRoutes);
  api.route("/", conversationRoutes);
  api.route("/", inboxRoutes);
  api.route("/", moderationActionRoutes);
  api.route("/", moderationRoutes);
  api.route("/", adminStatsRoutes);
  api.route("/", embedRoutes);
  api.get("/health", (c) => c.json({ ok: true }));
  api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "The session token from register or login",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "cookie", {
    type: "apiKey",
    in: "cookie",
    name: "vicinity_session",
  });
  registerNamedSchemas(api);
  let doc: OpenApiDocument | undefined;
  // Built on first request: by then every route and named schema is registered.
  api.get("/openapi.json", (c) => c.json(doc ??= buildApiDocument(api)));
  return api;
}

/** The finished OpenAPI document of an API that createApiRoutes built. */
export function buildApiDocument(api: OpenAPIHono<AppEnv>): OpenApiDocument {
  return finishDocument(api.getOpenAPI31Document(DOC_CONFIG), API_NOTES);
}

let cached: OpenApiDocument | undefined;

/** This API's OpenAPI document, built once per isolate (the /docs page renders it). */
export function apiDocument(): OpenApiDocument {
  return cached ??= buildApiDocument(createApiRoutes());
}

const DOC_CONFIG: DocumentConfig = {
  openapi: "3.1.0",
  info: {
    title: "Vicinity API",
    version: "1.0.0",
    description: [
      "Proximity chat: find rooms around a point, join the ones whose radius you stand in, and talk; direct messages, groups, an inbox with exact unread counts, moderation.",
      "Authenticate with `Authorization: Bearer <token>` (the token that register and login return) or the `vicinity_session` cookie; a cookie-authenticated write must come from the site's own origin.",
      'Bodies are JSON of at most 64 KiB. Every error is `{"error":{"code","message","details"}}` (the `Error` schema). Lists are pages of `{items, cursor}`: pass `cursor` back for the next page; null means the last. Timestamps are ISO 8601 in UTC.',
      "Live updates come over the WebSocket at /api/v1/ws (see /docs/protocol).",
    ].join("\n\n"),
  },
  servers: [{ url: "/api/v1" }],
};

/** Operation ids where the one derived from method and path would read badly. */
const OPERATION_IDS: Record<string, string> = {
  "post /auth/register": "register",
  "post /auth/login": "login",
  "post /auth/logout": "logout",
  "get /me": "getMe",
  "patch /me": "changeDisplayName",
  "get /rooms/nearby": "listNearbyRooms",
  "post /rooms/{id}/confirm": "confirmLocation",
  "post /rooms/{id}/checkin": "checkIn",
  "get /rooms/{id}/checkin-code": "getCheckInCode",
  "post /rooms/{id}/members": "addGroupMember",
  "get /rooms/{id}/messages": "listMessages",
  "post /rooms/{id}/messages": "sendMessage",
  "get /rooms/{id}/messages/{seq}/thread": "getThread",
  "patch /rooms/{id}/messages/{seq}": "editMessage",
  "delete /rooms/{id}/messages/{seq}": "deleteMessage",
  "post /rooms/{id}/messages/{seq}/reactions": "setReaction",
  "get /rooms/{id}/messages/{seq}/reactions": "listReactions",
  "get /rooms/{id}/messages/{seq}/edits": "listMessageEdits",
  "get /rooms/{id}/pins": "listPins",
  "put /rooms/{id}/pins/{seq}": "pinMessage",
  "delete /rooms/{id}/pins/{seq}": "unpinMessage",
  "post /rooms/{id}/read": "markRoomRead",
  "get /rooms/{id}/receipts": "listReadReceipts",
  "post /notifications/read": "markNotificationsRead",
  "get /me/prefs": "getMyPrefs",
  "get /people/nearby": "listNearbyPeople",
  "post /me/password": "changePassword",
  "delete /me/sessions/{id}": "revokeSession",
  "post /me/sessions/revoke-others": "revokeOtherSessions",
  "get /me/export": "exportMyData",
  "post /me/delete": "deleteMyAccount",
  "post /direct": "openDirectConversation",
  "post /direct/{id}/accept": "acceptMessageRequest",
  "post /direct/{id}/decline": "declineMessageRequest",
  "patch /rooms/{id}/members/{userId}": "setGroupMemberRole",
  "delete /rooms/{id}/members/{userId}": "removeGroupMember",
  "get /me/blocks": "listBlocks",
  "post /me/blocks": "blockUser",
  "delete /me/blocks/{userId}": "unblockUser",
  "get /inbox": "listInbox",
  "get /inbox/unread": "getUnreadTotal",
  "post /inbox/read-all": "markAllRead",
  "get /inbox/{id}": "getInboxItem",
  "delete /inbox/{id}": "deleteInboxItem",
  "post /inbox/{id}/read": "markInboxItemRead",
  "post /rooms/{id}/members/{userId}/mute": "muteMember",
  "delete /rooms/{id}/members/{userId}/mute": "unmuteMember",
  "post /rooms/{id}/members/{userId}/kick": "kickMember",
  "post /rooms/{id}/members/{userId}/admit": "admitMember",
  "put /rooms/{id}/bans/{userId}": "banFromRoom",
  "delete /rooms/{id}/bans/{userId}": "unbanFromRoom",
  "get /rooms/{id}/shield": "getRaidShield",
  "delete /rooms/{id}/shield": "lowerRaidShield",
  "put /rooms/{id}/slow-mode": "setSlowMode",
  "put /admin/users/{id}/ban": "banUser",
  "delete /admin/users/{id}/ban": "unbanUser",
  "put /admin/users/{id}/shadow-ban": "shadowBanUser",
  "delete /admin/users/{id}/shadow-ban": "unshadowBanUser",
  "put /admin/users/{id}/role": "setSiteRole",
  "get /admin/users/{id}": "getUserStanding",
  "post /rooms/{id}/messages/{seq}/report": "reportMessage",
  "get /moderation/reports": "listReports",
  "post /moderation/reports/{id}/resolve": "resolveReport",
  "post /moderation/reports/{id}/dismiss": "dismissReport",
  "get /moderation/audit": "listAuditLog",
  "get /admin/stats": "getAdminStats",
};

/** The longer story of the operations a client meets first. */
const DESCRIPTIONS: Record<string, string> = {
  register:
    "Creates the account and a session at once: the answer holds the user and a `token` for `Authorization: Bearer`, and sets the `vicinity_session` cookie. Handles are unique regardless of case.",
  login:
    "Exchanges handle and password for a session token (and the cookie). Repeated failures for one handle or address are refused with 429 for a while; a banned account gets 403 `banned`.",
  listNearbyRooms:
    "Searches live proximity rooms whose public centre lies within `radius` metres of the point, nearest first. The point is used for this search only and never stored. Each room says whether the point is inside its read and post radius.",
  createRoom:
    'Creates a proximity room at a point. With `placement: "here"` (the default) the point is the creator\'s own fix, so the centre snaps to a public ~150 m grid; `"map"` keeps a place picked deliberately. The creator becomes the owner and first member.',
  joinRoom:
    "Joins a proximity room from a position fix inside its post radius. The fix is checked (inside the radius, and not implausibly far from your previous one for the time since) and never stored. Joining again renews the lease that lets you post.",
  listMessages:
    "Reads a page of history in ascending `seq`. `head` is the room log's seq the page reflects: subscribe on the WebSocket with `after: head` to continue live with nothing missed.",
  sendMessage:
    "Posts a message (or, with `threadRoot`, a reply). `clientId` makes the send idempotent: repeating it answers 200 with the original message instead of posting twice. Members of the room get `message.new` on the WebSocket.",
  listInbox:
    "Lists my rooms and conversations, most recent activity first, each with its exact unread count and the newest message's preview. `seq` is the room log position the counts reflect.",
  openDirectConversation:
    "Opens (or returns) the one direct conversation with someone. People who share only proximity rooms start with a message request, which the other accepts or declines.",
};

/** What the parameters that recur across operations mean. */
const PARAMETERS: Record<string, string> = {
  id:
    "The id of what the path names: a room (under /rooms, /direct and /inbox), a user, a report or a session",
  seq: "A message's place in the room's order",
  userId: "A user's id, a ULID",
  lat: "Latitude of the searched point, in degrees (used for this search only)",
  lng: "Longitude of the searched point, in degrees",
  radius: "Search radius in metres",
  limit: "Most items to return",
  cursor: "The `cursor` of the previous page, for the next one",
  after: "Only items with a seq above this",
  before: "Only items with a seq below this",
};

const TAGS = [
  {
    name: "auth",
    description: "Accounts and sessions: register, sign in and out",
  },
  {
    name: "rooms",
    description:
      "Proximity rooms: create, find nearby, join from inside the radius, members, pins and read marks",
  },
  {
    name: "messages",
    description: "History, sending, threads, edits, deletes and reactions",
  },
  {
    name: "conversations",
    description:
      "Direct messages and their requests, private groups and their roles, blocks",
  },
  {
    name: "inbox",
    description: "Every room and conversation of mine with exact unread counts",
  },
  { name: "me", description: "My notifications and preferences" },
  {
    name: "people",
    description: "Being visible to people nearby, and finding them",
  },
  {
    name: "account",
    description:
      "My name, password, sessions, data export and account deletion",
  },
  {
    name: "moderation",
    description:
      "Reports, the moderation queue, mutes, kicks, bans, slow mode, the raid shield and the audit log",
  },
  { name: "admin", description: "Site analytics for admins and moderators" },
  {
    name: "embed",
    description: "Rooms embedded in other sites: the sites allowed, and guests",
  },
];

/** What the document adds to the generated one: ids, descriptions, tags (exported for tests). */
export const API_NOTES: DocNotes = {
  operationIds: OPERATION_IDS,
  descriptions: DESCRIPTIONS,
  parameters: PARAMETERS,
  tags: TAGS,
  describe: (op) =>
    [
      op.security?.length
        ? "Needs a session (bearer token or cookie)."
        : "Needs no session.",
      op.requestBody ? "Takes a JSON body." : "",
      op.responses?.["429"]
        ? "Rate limited: a 429 carries `details.retryAfterS`."
        : "",
    ].filter(Boolean).join(" "),
};
