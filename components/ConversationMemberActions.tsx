import type { RoomRole } from "../lib/shared/island_props.ts";
import { personLabel } from "./PersonName.tsx";

/** Which buttons the member list offers beside one person. */
export type MemberActions = {
  /** Start or open the direct conversation with them. */
  message: boolean;
  /** Block or unblock them. */
  block: boolean;
  /** Remove them from the group. */
  remove: boolean;
  /** Change their role in the group. */
  setRole: boolean;
};

/** What the buttons beside a member ask the chat to do. */
export type MemberActionHandlers = {
  message(): void;
  block(): void;
  unblock(): void;
  remove(): void;
  setRole(role: RoomRole): void;
};

/** Props of the buttons beside one member. */
export type ConversationMemberActionsProps = {
  member: { handle: string; displayName: string; role: RoomRole };
  actions: MemberActions;
  blocked: boolean;
  disabled: boolean;
  on: MemberActionHandlers;
};

const ROLES: [RoomRole, string][] = [
  ["owner", "Owner"],
  ["admin", "Admin"],
  ["member", "Member"],
];

/** Message, Block or Unblock, a role picker and Remove, as the viewer's rights allow. */
export default function ConversationMemberActions(
  props: ConversationMemberActionsProps,
) {
  const { actions: can, on, member } = props;
  if (!can.message && !can.block && !can.remove && !can.setRole) return null;
  // Each button names whom it acts on, for screen readers; the visible word stays short and
  // starts the name, so speech input finds it.
  const whom = ` ${personLabel(member)}`;
  return (
    <div class="members__actions">
      {can.message && !props.blocked && (
        <button
          type="button"
          class="button button--small"
          aria-label={`Message${whom}`}
          disabled={props.disabled}
          onClick={on.message}
        >
          Message
        </button>
      )}
      {can.block && (
        <button
          type="button"
          class="button button--small button--quiet"
          aria-label={`${props.blocked ? "Unblock" : "Block"}${whom}`}
          disabled={props.disabled}
          onClick={props.blocked ? on.unblock : on.block}
        >
          {props.blocked ? "Unblock" : "Block"}
        </button>
      )}
      {can.setRole && (
        <select
          class="members__role"
          aria-label={`Role of ${personLabel(member)}`}
          value={member.role}
          disabled={props.disabled}
          onChange={(e) => on.setRole(e.currentTarget.value as RoomRole)}
        >
          {ROLES.map(([value, label]) => (
            <option key={value} value={value}>{label}</option>
          ))}
        </select>
      )}
      {can.remove && (
        <button
          type="button"
          class="button button--small button--danger"
          aria-label={`Remove${whom}`}
          disabled={props.disabled}
          onClick={on.remove}
        >
          Remove
        </button>
      )}
    </div>
  );
}
