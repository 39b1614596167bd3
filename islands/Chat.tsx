import { useMemo, useRef, useState } from "preact/hooks";
import { BlockedContext } from "../components/BlockedMessage.tsx";
import ChatBar from "../components/ChatBar.tsx";
import Composer from "../components/Composer.tsx";
import ConversationMembers from "../components/ConversationMembers.tsx";
import ConversationRequest from "../components/ConversationRequest.tsx";
import MentionBadge from "../components/MentionBadge.tsx";
import MySettings from "../components/MySettings.tsx";
import PinnedBar from "../components/PinnedBar.tsx";
import ThreadPanel from "../components/ThreadPanel.tsx";
import Timeline from "../components/Timeline.tsx";
import TypingLine from "../components/TypingLine.tsx";
import { plural } from "../components/format.ts";
import type { MessageContext } from "../components/message_types.ts";
import type { ChatProps } from "../lib/shared/island_props.ts";
import type { AuthorView, MessageCategory } from "../lib/shared/schemas.ts";
import { useConversation } from "./conversation_hooks.ts";
import {
  canInvite,
  canModerate as mayModerate,
  composerCategories,
  LASTING_REFUSALS,
  memberActions,
} from "./conversation_policy.ts";
import { useHydrated } from "./hooks.ts";
import * as select from "./room_select.ts";
import { useMyStatus, usePrivateReading } from "./use_my_settings.ts";
import { useNotifications } from "./use_notifications.ts";
import { useRoom } from "./use_room.ts";
import { useScrollLog } from "./use_scroll.ts";
import {
  useMessageHandlers,
  usePanelFocus,
  useReadMarks,
  useStartPosition,
} from "./use_chat_effects.ts";

/** A room's live chat: the first page from the server, then the tab's socket for the rest. */
export default function Chat(props: ChatProps) {
  const hydrated = useHydrated();
  const room = useRoom(props);
  const mentions = useNotifications();
  const { state, actions } = room;
  const [editingSeq, setEditingSeq] = useState<number | null>(null);
  const [membersOpen, setMembersOpen] = useState(false);
  const myStatus = useMyStatus();
  const privateReading = usePrivateReading(membersOpen);
  const convo = useConversation({
    roomId: props.roomId,
    initialBlocked: props.blocked ?? [],
    dispatch: room.dispatch,
  });
  const canModerate = mayModerate(state.kind, state.role);
  const author = {
    id: props.me.id,
    handle: props.me.handle,
    displayName: props.me.displayName,
  };

  // Authors' names come through a ref so new messages do not re-render every row.
  const people = useRef(new Map<string, AuthorView>());
  people.current = select.peopleIndex(state);
  const ctx: MessageContext = useMemo(() => ({
    meId: props.me.id,
    meHandle: props.me.handle,
    canModerate,
    local: hydrated,
    personOf: (id) => people.current.get(id) ?? null,
  }), [hydrated, state.members, canModerate]);
  const on = useMessageHandlers(actions, setEditingSeq, setMembersOpen);

  const messages = select.visibleMessages(state, room.filter);
  const pending = select.visiblePending(state, room.filter);
  const scroll = useScrollLog({
    newestSeq: messages.at(-1)?.seq ?? 0,
    hasOlder: state.older !== null,
    loadOlder: room.loadOlder,
    onFollow: room.follow,
  });
  const unseen = select.unseenCount(messages, scroll.seenSeq, props.me.id);
  useReadMarks(
    state.messages.at(-1)?.seq ?? 0,
    scroll.atBottom,
    room.status,
    actions.markRead,
  );
  useStartPosition(hydrated, scroll.ref);
  usePanelFocus(
    state.thread ? "thread-heading" : membersOpen ? "members-heading" : null,
    state.thread?.rootSeq ?? null,
  );

  function send(text: string, category: MessageCategory) {
    scroll.toBottom();
    actions.send(text, category, null);
  }
  async function leave() {
    if (await room.leave()) {
      location.assign(state.kind === "proximity" ? "/" : "/inbox");
    }
  }
  function jump(seq: number) {
    const el = document.getElementById(`m-${seq}`);
    if (!el) return room.notify("That message is further back in the history.");
    el.scrollIntoView({ block: "center" });
    el.querySelector<HTMLElement>("summary")?.focus({ preventScroll: true });
  }
  const thread = state.thread;
  const threadPending = thread
    ? state.pending.filter((p) => p.threadRoot === thread.rootSeq)
    : [];
  // A refusal that retrying cannot fix (a pending request, a block) also shows by the composer.
  const refusal = state.pending.findLast((p) =>
    p.state === "failed" && LASTING_REFUSALS.has(p.code ?? "")
  );
  const peer = props.peer ?? null;

  return (
    <BlockedContext.Provider value={convo.blocked}>
      <div class={`chat${thread || membersOpen ? " chat--panel" : ""}`}>
        <ChatBar
          kind={state.kind}
          status={room.status}
          notice={room.notice}
          online={state.online}
          memberCount={state.memberCount}
          filter={room.filter}
          membersOpen={membersOpen}
          disabled={!hydrated}
          onFilter={room.setFilter}
          onMembers={() => {
            if (!membersOpen) actions.closeThread();
            setMembersOpen(!membersOpen);
          }}
          onLeave={leave}
        >
          <MentionBadge
            unread={mentions.unread}
            items={mentions.items}
            toast={mentions.toast}
            onReadAll={mentions.readAll}
          />
        </ChatBar>
        <PinnedBar
          pins={state.pins}
          ctx={ctx}
          onJump={jump}
          onUnpin={(seq) => actions.pin(seq, false)}
        />
        <div class="chat__body">
          <div class="chat__main">
            <div class="chat__logwrap">
              <div
                ref={scroll.ref}
                class="chat__log"
                role="log"
                aria-label="Messages"
                tabIndex={0}
                onScroll={scroll.onScroll}
              >
                <p class="chat__edge muted">
                  {state.older
                    ? "Loading earlier messages…"
                    : peer
                    ? `This is the start of your conversation with ${peer.displayName}.`
                    : `This is the start of ${state.name}.`}
                </p>
                <Timeline
                  messages={messages}
                  pending={pending}
                  me={author}
                  ctx={ctx}
                  on={on}
                  editingSeq={editingSeq}
                  seen={select.seenBy(state, people.current)}
                  onRetry={(id) =>
                    actions.retry(
                      state.pending.find((p) => p.clientId === id)!,
                    )}
                />
                {messages.length === 0 && pending.length === 0 && (
                  <p class="chat__empty muted">
                    {room.filter
                      ? "Nothing in this category yet."
                      : "No messages yet. Say hello!"}
                  </p>
                )}
              </div>
              {!scroll.atBottom && unseen > 0 && (
                <button type="button" class="pill" onClick={scroll.toBottom}>
                  {`${plural(unseen, "new message")} ↓`}
                </button>
              )}
            </div>
            <TypingLine
              people={select.typingPeople(state, convo.blocked.blocked)}
            />
            {!state.left && (
              <ConversationRequest
                request={state.request}
                peer={peer}
                error={convo.requestError}
                refusal={refusal?.error ?? ""}
                disabled={!hydrated || convo.busy}
                onAccept={convo.accept}
                onDecline={convo.decline}
              />
            )}
            {state.left
              ? (
                <p class="chat__left" role="alert">
                  {state.kind === "proximity"
                    ? (
                      <>
                        You are no longer a member of this room.{" "}
                        <a href="/">Find rooms nearby</a>
                      </>
                    )
                    : (
                      <>
                        You are no longer in this conversation.{" "}
                        <a href="/inbox">Your conversations</a>
                      </>
                    )}
                </p>
              )
              : (
                <Composer
                  id="message-input"
                  label="Message"
                  disabled={!hydrated}
                  categories={composerCategories(state.kind, canModerate)}
                  onSend={send}
                  onTyping={actions.typing}
                />
              )}
          </div>
          {thread && (
            <ThreadPanel
              root={thread.root}
              replies={thread.replies}
              loaded={thread.loaded}
              pending={threadPending}
              me={author}
              ctx={ctx}
              on={on}
              editingSeq={editingSeq}
              disabled={!hydrated || state.left}
              onClose={actions.closeThread}
              onRetry={(id) =>
                actions.retry(state.pending.find((p) => p.clientId === id)!)}
              onReply={(text) => actions.send(text, "social", thread.rootSeq)}
              onTyping={actions.typing}
            />
          )}
          {membersOpen && (
            <ConversationMembers
              members={state.members}
              presence={state.presence}
              meId={props.me.id}
              blocked={convo.blocked.blocked}
              invite={canInvite(state.kind, state.role)}
              actionsOf={(m) =>
                memberActions(state.kind, state.role, props.me.id, m)}
              disabled={!hydrated || convo.busy}
              error={convo.panel.error}
              status={convo.panel.status}
              on={convo}
              onClose={() => setMembersOpen(false)}
            >
              <MySettings
                status={myStatus.status}
                privateReading={privateReading.value}
                error={privateReading.error}
                disabled={!hydrated}
                onStatus={myStatus.choose}
                onPrivateReading={privateReading.set}
              />
            </ConversationMembers>
          )}
        </div>
      </div>
    </BlockedContext.Provider>
  );
}
