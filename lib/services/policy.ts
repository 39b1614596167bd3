import type { RoomRole } from "../db/members.ts";

/** What someone may try to do in a room. */
export type RoomAction =
  | "read"
  | "post"
  | "announce"
  | "react"
  | "reply"
  | "edit_own"
  | "delete_own"
  | "delete_any"
  | "pin"
  | "view_edits"
  | "edit_room"
  /** Add someone by handle (groups). */
  | "invite"
  /** Remove someone holding that role. */
  | "remove_member"
  | "remove_admin"
  | "remove_owner"
  /** Give a member another role. */
  | "set_role"
  /** Leave the room (a direct conversation is deleted for oneself instead). */
  | "leave"
  /** Moderation: silence someone for a time, remove them, bar them from coming back. */
  | "mute"
  | "kick"
  | "ban"
  /** Let in members the raid shield held, and lower the shield. */
  | "admit"
  /** Turn slow mode on or off. */
  | "slow_mode"
  /** See and close the room's reports in the moderation queue. */
  | "moderate";

/** The kinds of room: public ones at a place, direct conversations and private groups. */
export type RoomKind = "proximity" | "direct" | "group";

/** The role of someone who is not a member. */
export type Role = RoomRole | "none";

const MEMBER: RoomAction[] = [
  "read",
  "post",
  "react",
  "reply",
  "edit_own",
  "delete_own",
  "leave",
];
const ADMIN: RoomAction[] = [
  ...MEMBER,
  "announce",
  "delete_any",
  "pin",
  "view_edits",
  "edit_room",
  "moderate",
  "mute",
  "kick",
  "ban",
  "admit",
  "slow_mode",
  // Who a moderation action may reach: admins act on members, owners on admins too.
  "remove_member",
];
const OWNER: RoomAction[] = [...ADMIN, "remove_admin"];
const GROUP_ADMIN: RoomAction[] = [...ADMIN, "invite"];
const GROUP_OWNER: RoomAction[] = [
  ...GROUP_ADMIN,
  "remove_admin",
  "remove_owner",
  "set_role",
];
// Two people with equal rights: both may pin, neither moderates the other.
const DIRECT: RoomAction[] = [
  "read",
  "post",
  "react",
  "reply",
  "edit_own",
  "delete_own",
  "pin",
];

/** The one table that decides every right, by room kind and role. */
export const POLICY: Record<RoomKind, Record<Role, ReadonlySet<RoomAction>>> = {
  proximity: {
    owner: new Set(OWNER),
    admin: new Set(ADMIN),
    member: new Set(MEMBER),
    none: new Set(),
  },
  group: {
    owner: new Set(GROUP_OWNER),
    admin: new Set(GROUP_ADMIN),
    member: new Set(MEMBER),
    none: new Set(),
  },
  direct: {
    owner: new Set(DIRECT),
    admin: new Set(DIRECT),
    member: new Set(DIRECT),
    none: new Set(),
  },
};

/** Whether a role in a room of this kind may do an action. */
export function can(kind: RoomKind, role: Role, action: RoomAction): boolean {
  return POLICY[kind][role].has(action);
}

/** The right needed to remove someone holding `role`. */
export const removeAction = (role: RoomRole): RoomAction =>
  role === "owner"
    ? "remove_owner"
    : role === "admin"
    ? "remove_admin"
    : "remove_member";

/** A room's kind, for the policy table. */
export const kindOf = (room: { kind?: RoomKind }): RoomKind =>
  room.kind ?? "proximity";

/** Whether a room is private: outsiders get 404, as if it did not exist. */
export const isPrivate = (room: { kind?: RoomKind }): boolean =>
  kindOf(room) !== "proximity";
