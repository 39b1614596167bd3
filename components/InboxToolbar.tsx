/** The lists the inbox offers. */
export const INBOX_FILTERS = [
  ["all", "All"],
  ["conversations", "Conversations"],
] as const;

/** Props of the bar above the inbox list. */
export type InboxToolbarProps = {
  filter: "all" | "conversations";
  total: number;
  disabled: boolean;
  /** Offer to turn on browser notifications (the browser has not been asked yet). */
  canEnableNotifications: boolean;
  onFilter(filter: "all" | "conversations"): void;
  onReadAll(): void;
  onEnableNotifications(): void;
};

/** The filter (All / Conversations), "Mark all read" and "Enable notifications". */
export default function InboxToolbar(props: InboxToolbarProps) {
  return (
    <div class="inbox-bar">
      <div class="inbox-bar__filter" role="group" aria-label="Show">
        {INBOX_FILTERS.map(([value, label]) => (
          <button
            type="button"
            class="inbox-bar__choice"
            aria-pressed={props.filter === value ? "true" : "false"}
            disabled={props.disabled}
            onClick={() => props.onFilter(value)}
          >
            {label}
          </button>
        ))}
      </div>
      <div class="inbox-bar__actions">
        <button
          type="button"
          class="button button--small"
          disabled={props.disabled || props.total === 0}
          onClick={props.onReadAll}
        >
          Mark all read
        </button>
        {props.canEnableNotifications && (
          <button
            type="button"
            class="button button--small"
            onClick={props.onEnableNotifications}
          >
            Enable notifications
          </button>
        )}
      </div>
    </div>
  );
}
