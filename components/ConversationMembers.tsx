import type { ComponentChildren } from "preact";
import type { RoomRole } from "../lib/shared/island_props.ts";
import type { PresenceView } from "../lib/shared/schemas.ts";
import ConversationInvite from "./ConversationInvite.tsx";
import ConversationMemberActions, {
  type MemberActions,
} from "./ConversationMemberActions.tsx";
import MemberList, { type MemberRow } from "./MemberList.tsx";

/** What the member panel can ask the chat to do to one member or the group. */
export type MembersHandlers = {
  message(m: MemberRow): void;
  block(m: MemberRow): void;
  unblock(m: MemberRow): void;
  remove(m: MemberRow): void;
  setRole(m: MemberRow, role: RoomRole): void;
  /** Adds someone by handle; resolves true once added. */
  add(handle: string): Promise<boolean>;
};

/** Props of the member panel with its conversation tools. */
export type ConversationMembersProps = {
  members: MemberRow[] | null;
  presence: Record<string, PresenceView>;
  meId: string;
  blocked: ReadonlySet<string>;
  /** Whether the viewer may add people (group owners and admins). */
  invite: boolean;
  /** Which buttons the viewer gets beside a member. */
  actionsOf(m: MemberRow): MemberActions;
  disabled: boolean;
  /** The last action's error, or "". */
  error: string;
  /** What the last action did, or "". */
  status: string;
  on: MembersHandlers;
  onClose(): void;
  /** The viewer's own settings. */
  children?: ComponentChildren;
};

/** The member list with "Add people", and Message, Block, role and Remove beside each member. */
export default function ConversationMembers(props: ConversationMembersProps) {
  const { on } = props;
  const tools = (
    <div class="member-tools">
      {props.invite && (
        <ConversationInvite disabled={props.disabled} onAdd={on.add} />
      )}
      {props.error && <p class="field-error" role="alert">{props.error}</p>}
      <p class="member-tools__status muted" aria-live="polite">
        {props.status}
      </p>
    </div>
  );
  return (
    <MemberList
      members={props.members}
      presence={props.presence}
      meId={props.meId}
      blocked={props.blocked}
      onClose={props.onClose}
      tools={tools}
      actions={(m) => (
        <ConversationMemberActions
          member={m}
          actions={props.actionsOf(m)}
          blocked={props.blocked.has(m.id)}
          disabled={props.disabled}
          on={{
            message: () => on.message(m),
            block: () => on.block(m),
            unblock: () => on.unblock(m),
            remove: () => on.remove(m),
            setRole: (role) => on.setRole(m, role),
          }}
        />
      )}
    >
      {props.children}
    </MemberList>
  );
}
