import InboxRow, { type InboxRowData } from "./InboxRow.tsx";

/** What every row of a list needs besides its data. */
type RowContext = { meId: string; now: number; local: boolean };

/** "Requests": message requests waiting for my answer, each with Accept and Decline. */
export function InboxRequests(
  props: RowContext & {
    rows: InboxRowData[];
    onAnswer(room: string, accept: boolean): void;
  },
) {
  const { rows, onAnswer, ...ctx } = props;
  if (rows.length === 0) return null;
  return (
    <section class="inbox__section" aria-labelledby="inbox-requests">
      <h2 id="inbox-requests">Requests</h2>
      <ul class="inbox-list">
        {rows.map((r) => (
          <InboxRow key={r.roomId} row={r} {...ctx}>
            <button
              type="button"
              class="button button--small button--primary"
              aria-label={`Accept request from ${r.title}`}
              onClick={() => onAnswer(r.roomId, true)}
            >
              Accept
            </button>
            <button
              type="button"
              class="button button--small"
              aria-label={`Decline request from ${r.title}`}
              onClick={() => onAnswer(r.roomId, false)}
            >
              Decline
            </button>
          </InboxRow>
        ))}
      </ul>
    </section>
  );
}

/** The main list: rooms and conversations, each with "Delete for me", and "Load more". */
export function InboxConversations(
  props: RowContext & {
    rows: InboxRowData[];
    heading: string;
    loaded: boolean;
    more: boolean;
    loadingMore: boolean;
    onDelete(room: string): void;
    onMore(): void;
  },
) {
  const { rows, heading, loaded, more, loadingMore, onDelete, onMore } = props;
  const ctx = { meId: props.meId, now: props.now, local: props.local };
  return (
    <section class="inbox__section" aria-labelledby="inbox-list">
      <h2 id="inbox-list" class="visually-hidden">{heading}</h2>
      {!loaded
        ? <p class="muted">Loading…</p>
        : rows.length === 0
        ? <p class="muted">Nothing here yet.</p>
        : (
          <ul class="inbox-list">
            {rows.map((r) => (
              <InboxRow key={r.roomId} row={r} {...ctx}>
                <button
                  type="button"
                  class="link-button inbox-item__delete"
                  aria-label={`Delete for me: ${r.title}`}
                  onClick={() => onDelete(r.roomId)}
                >
                  Delete for me
                </button>
              </InboxRow>
            ))}
          </ul>
        )}
      {more && (
        <button
          type="button"
          class="button inbox__more"
          disabled={loadingMore}
          onClick={onMore}
        >
          {loadingMore ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}
