import type { ComponentChildren } from "preact";
import type { MessageCategory } from "../lib/shared/schemas.ts";
import { plural } from "./format.ts";

/** The connection states the bar can show. */
export type ConnectionStatus = "connecting" | "live" | "offline";

const STATUS_LABELS: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  offline: "Offline — reconnecting…",
};

/** Choices of the category filter; "" shows everything. */
export const FILTERS: [MessageCategory | "", string][] = [
  ["", "All"],
  ["social", "Social"],
  ["networking", "Networking"],
  ["announcement", "Announcements"],
];

/** Props of the bar above the log. */
export type ChatBarProps = {
  status: ConnectionStatus;
  notice: string;
  online: number;
  memberCount: number;
  filter: MessageCategory | null;
  membersOpen: boolean;
  disabled: boolean;
  onFilter(category: MessageCategory | null): void;
  onMembers(): void;
  onLeave(): void;
  /** The room's kind: a group's Leave says how to come back; a DM has no Leave nor filter. */
  kind?: "proximity" | "direct" | "group";
  /** The mentions badge, which lives in the bar. */
  children?: ComponentChildren;
  /** The room's moderation panel toggle, for its owners and admins. */
  moderation?: { open: boolean; onToggle(): void };
  /** Peeking from nearby: not a member, so no member list and nothing to leave. */
  readOnly?: boolean;
};

/**
 * Connection status, who is online, the category filter, the member list toggle, the
 * moderation panel toggle (owners and admins) and Leave.
 */
export default function ChatBar(props: ChatBarProps) {
  return (
    <div class="chat-bar">
      <p
        role="status"
        class={`chat-bar__status chat-bar__status--${props.status}`}
      >
        {STATUS_LABELS[props.status]}
        {props.notice && (
          <span class="chat-bar__notice">{` · ${props.notice}`}</span>
        )}
      </p>
      <div class="chat-bar__tools">
        {props.children}
        {props.kind !== "direct" && (
          <label class="chat-bar__filter">
            <span class="visually-hidden">Show</span>
            <select
              value={props.filter ?? ""}
              disabled={props.disabled}
              onChange={(e) =>
                props.onFilter(
                  (e.currentTarget.value || null) as MessageCategory | null,
                )}
            >
              {FILTERS.map(([value, label]) => (
                <option value={value}>{label}</option>
              ))}
            </select>
          </label>
        )}
        {!props.readOnly && (
          <button
            type="button"
            class="button button--small"
            aria-expanded={props.membersOpen}
            aria-controls={props.membersOpen ? "members-panel" : undefined}
            disabled={props.disabled}
            onClick={props.onMembers}
          >
            <span class="dot dot--online" aria-hidden="true" />
            {`${props.online} online`}
            <span class="visually-hidden">
              {`, ${plural(props.memberCount, "member")}: show the list`}
            </span>
          </button>
        )}
        {props.moderation && (
          <button
            type="button"
            class="button button--small chat-bar__mod"
            aria-expanded={props.moderation.open}
            aria-controls={props.moderation.open
              ? "moderation-panel"
              : undefined}
            disabled={props.disabled}
            onClick={props.moderation.onToggle}
          >
            <svg
              data-icon
              class="chat-bar__mod-icon"
              viewBox="0 0 24 24"
              width="16"
              height="16"
              aria-hidden="true"
              focusable="false"
            >
              <path
                d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5z"
                fill="currentColor"
              />
            </svg>
            <span class="chat-bar__mod-label">Moderation</span>
          </button>
        )}
        {props.kind !== "direct" && !props.readOnly && (
          <details class="leave">
            <summary class="button button--small button--quiet">Leave</summary>
            <div class="leave__menu">
              <p>
                {props.kind === "group"
                  ? "Leave this group? Someone in it must add you again to come back."
                  : "Leave this room? You can join again from within its radius."}
              </p>
              <button
                type="button"
                class="button button--small button--danger"
                disabled={props.disabled}
                onClick={props.onLeave}
              >
                {props.kind === "group" ? "Leave group" : "Leave room"}
              </button>
            </div>
          </details>
        )}
      </div>
    </div>
  );
}
