import { useEffect } from "preact/hooks";
import { plural } from "../components/format.ts";
import { NewGroupForm, NewMessageForm } from "../components/InboxForms.tsx";
import {
  InboxConversations,
  InboxRequests,
} from "../components/InboxLists.tsx";
import InboxSidebar from "../components/InboxSidebar.tsx";
import InboxToolbar from "../components/InboxToolbar.tsx";
import type { InboxProps } from "../lib/shared/island_props.ts";
import { useHydrated } from "./hooks.ts";
import { type InboxActions, useInboxActions } from "./inbox_actions.ts";
import { SIDEBAR_QUERY, useMedia, useNow } from "./inbox_hooks.ts";
import { changeFilter, type InboxLive, useInboxLive } from "./inbox_live.ts";
import { listRows, requestRows, totalUnread } from "./inbox_select.ts";
import { showUnreadTotal } from "./inbox_title.ts";

/** Every room and conversation of mine, live: the inbox page, or the column beside a room. */
export default function Inbox(props: InboxProps) {
  const hydrated = useHydrated();
  const live = useInboxLive(props.me.id, props.currentRoomId);
  const total = totalUnread(live.state, live.viewing);
  const now = useNow();
  const wide = useMedia(SIDEBAR_QUERY);
  useEffect(() => {
    if (hydrated) showUnreadTotal(total);
  }, [hydrated, total]);
  const state = !live.state.loaded
    ? "loading"
    : live.status === "offline"
    ? "offline"
    : "live";

  if (props.variant === "sidebar") {
    return (
      <div class="inbox inbox--sidebar" data-inbox-state={state}>
        <InboxSidebar
          rows={listRows(live.state, live.viewing)}
          requests={requestRows(live.state, live.viewing).length}
          total={total}
          meId={props.me.id}
          now={now}
          wide={wide}
          loaded={live.state.loaded}
          error={live.error}
          local={hydrated}
        />
      </div>
    );
  }
  return (
    <InboxPage
      live={live}
      meId={props.me.id}
      total={total}
      now={now}
      hydrated={hydrated}
      state={state}
    />
  );
}

type PageProps = {
  live: InboxLive;
  meId: string;
  total: number;
  now: number;
  hydrated: boolean;
  state: string;
};

function InboxPage({ live, meId, total, now, hydrated, state }: PageProps) {
  const act: InboxActions = useInboxActions(live);
  const rows = listRows(live.state, live.viewing);
  const requests = requestRows(live.state, live.viewing);
  const row = { meId, now, local: hydrated };
  return (
    <div class="inbox inbox--page" data-inbox-state={state}>
      <p class="inbox__summary" aria-live="polite">
        {[
          live.state.loaded &&
          (total > 0 ? plural(total, "unread message") : "All caught up"),
          state === "offline" && "Offline — reconnecting…",
        ].filter(Boolean).join(" · ")}
      </p>
      <div class="inbox__start">
        <NewMessageForm
          busy={act.busy === "dm"}
          disabled={!hydrated}
          error={act.dmError}
          onStart={act.startDirect}
        />
        <NewGroupForm
          busy={act.busy === "group"}
          disabled={!hydrated}
          error={act.groupError}
          onCreate={act.createGroup}
        />
      </div>
      <InboxToolbar
        filter={live.state.filter}
        total={total}
        disabled={!hydrated}
        canEnableNotifications={act.permission === "default"}
        onFilter={(f) => changeFilter(live, f)}
        onReadAll={act.readAll}
        onEnableNotifications={act.enableNotifications}
      />
      {(live.error || act.notice) && (
        <p class="form-error" role="alert">{live.error || act.notice}</p>
      )}
      <InboxRequests rows={requests} onAnswer={act.answer} {...row} />
      <InboxConversations
        rows={rows}
        heading={live.state.filter === "all"
          ? "Rooms and conversations"
          : "Conversations"}
        loaded={live.state.loaded}
        more={live.state.cursor !== null}
        loadingMore={act.busy === "more"}
        onDelete={act.hide}
        onMore={act.loadMore}
        {...row}
      />
    </div>
  );
}
