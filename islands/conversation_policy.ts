import type { MemberActions } from "../components/ConversationMemberActions.tsx";
import type { ModerationActions } from "../components/ModerationMemberTools.tsx";
import type { RoomRole } from "../lib/shared/island_props.ts";
import type { MessageCategory } from "../lib/shared/schemas.ts";
import type { RoomKind } from "./room_state.ts";

const NONE: MemberActions = {
  message: false,
  block: false,
  remove: false,
  setRole: false,
};

/**
 * What the viewer may do to one member, mirroring the server's policy table: anyone may
 * message (outside a DM) or block someone else; in a group owners remove anyone and change
 * roles, admins remove members only. The server stays the authority; this only hides
 * buttons that would be refused.
 */
export function memberActions(
  kind: RoomKind,
  myRole: RoomRole,
  meId: string,
  target: { id: string; role: RoomRole },
): MemberActions {
  if (target.id === meId) return NONE;
  const group = kind === "group";
  return {
    message: kind !== "direct",
    block: true,
    remove: group &&
      (myRole === "owner" || (myRole === "admin" && target.role === "member")),
    setRole: group && myRole === "owner",
  };
}

/** Whether the viewer may add people: group owners and admins. */
export function canInvite(kind: RoomKind, myRole: RoomRole): boolean {
  return kind === "group" && myRole !== "member";
}

/** Whether the viewer deletes and pins others' messages and posts announcements. */
export function canModerate(kind: RoomKind, myRole: RoomRole): boolean {
  return kind !== "direct" && myRole !== "member";
}

/**
 * The categories the composer offers: announcements for those who moderate; none to pick in
 * a DM, where two people talking need no categories (the picker hides with one choice).
 */
export function composerCategories(
  kind: RoomKind,
  moderates: boolean,
): MessageCategory[] {
  if (kind === "direct") return ["social"];
  return moderates
    ? ["social", "networking", "announcement"]
    : ["social", "networking"];
}

/** Send refusals that retrying cannot fix, shown beside the composer as well as on the message. */
export const LASTING_REFUSALS: ReadonlySet<string> = new Set([
  "request_pending",
  "dm_unavailable",
  "blocked",
]);

/** Whether `mine` reaches `theirs`: admins act on members, owners on admins too (groups: owners). */
function outranks(kind: RoomKind, mine: RoomRole, theirs: RoomRole): boolean {
  if (mine === "member") return false;
  if (theirs === "member") return true;
  if (mine === "admin") return false;
  return theirs === "admin" || kind === "group";
}

/**
 * What the viewer may do to one member as a room moderator, mirroring the server's policy
 * table: owners and admins mute, kick, ban and let in, over the roles they outrank; nobody
 * moderates a direct conversation. Anyone may report anyone else.
 */
export function moderationActions(
  kind: RoomKind,
  myRole: RoomRole,
  meId: string,
  target: { id: string; role: RoomRole },
): ModerationActions {
  const self = target.id === meId;
  const reach = !self && kind !== "direct" &&
    outranks(kind, myRole, target.role);
  return {
    report: !self,
    mute: reach,
    kick: reach && kind !== "group",
    ban: reach,
    admit: reach,
  };
}
