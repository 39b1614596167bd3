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
  | "edit_room";

/** The kinds of room the policy knows; direct and group conversations will join this list. */
export type RoomKind = "proximity";

/** The role of someone who is not a member. */
export type Role = RoomRole | "none";

const MEMBER: RoomAction[] = [
  "read",
  "post",
  "react",
  "reply",
  "edit_own",
  "delete_own",
];
const ADMIN: RoomAction[] = [
  ...MEMBER,
  "announce",
  "delete_any",
  "pin",
  "view_edits",
  "edit_room",
];

/** The one table that decides every right, by room kind and role. */
export const POLICY: Record<RoomKind, Record<Role, ReadonlySet<RoomAction>>> = {
  proximity: {
    owner: new Set(ADMIN),
    admin: new Set(ADMIN),
    member: new Set(MEMBER),
    none: new Set(),
  },
};

/** Whether a role in a room of this kind may do an action. */
export function can(kind: RoomKind, role: Role, action: RoomAction): boolean {
  return POLICY[kind][role].has(action);
}

/** A room's kind, for the policy table. */
export const kindOf = (room: { kind?: RoomKind }): RoomKind =>
  room.kind ?? "proximity";
