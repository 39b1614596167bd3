import { useMemo, useRef, useState } from "preact/hooks";
import { BlockedContext } from "../components/BlockedMessage.tsx";
import ChatBar from "../components/ChatBar.tsx";
import Composer from "../components/Composer.tsx";
import ConversationMembers from "../components/ConversationMembers.tsx";
import ConversationRequest from "../components/ConversationRequest.tsx";
import { MemberExtrasContext } from "../components/MemberList.tsx";
import MentionBadge from "../components/MentionBadge.tsx";
import ModerationPanel from "../components/ModerationPanel.tsx";
import MySettings from "../components/MySettings.tsx";
import PinnedBar from "../components/PinnedBar.tsx";
import ReportDialog from "../components/ReportDialog.tsx";
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
import { useChatModeration } from "./moderation_chat.ts";
import * as select from "./room_select.ts";
import { useMyStatus, usePrivateReading } from "./use_my_settings.ts";
import { useNotifications } from "./use_notifications.ts";
import { useRoom } from "./use_room.ts";
import { useRoomAccess } from "./use_room_access.ts";
import { useScrollLog } from "./use_scroll.ts";
import {
  jumpToMessage,
  useMessageHandlers,
  usePanelFocus,
  useReadMarks,
  useSidePanel,
  useStartPosition,
} from "./use_chat_effects.ts";

/** A room's live chat: the first page from the server, then the tab's socket for the rest. */
export default function Chat(props: ChatProps) {
  const hydrated = useHydrated();
  const room = useRoom(props);
  const mentions = useNotifications();
  const { state, actions } = room;
  const [editingSeq, setEditingSeq] = useState<number | null>(null);
  const panels = useSidePanel(actions.closeThread);
  const { side } = panels;
  const membersOpen = side === "members";
  const myStatus = useMyStatus();
  const privateReading = usePrivateReading(membersOpen);
  const convo = useConversation({
    roomId: props.roomId,
    initialBlocked: props.blocked ?? [],
    dispatch: room.dispatch,
  });
  const canModerate = mayModerate(state.kind, state.role);
  const jump = (seq: number) => jumpToMessage(seq, room.notify);
  const mod = useChatModeration({
    roomId: props.roomId,
    initial: props,
    state,
    dispatch: room.dispatch,
    hydrated,
    convo,
    side,
    closePanel: panels.close,
    remove: actions.remove,
    jump,
  });
  const access = useRoomAccess(props, state, actions.retry);
  const modOpen = side === "moderation" && mod.allowed;
  const author: AuthorView = props.me;

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
  const on = useMessageHandlers(
    actions,
    setEditingSeq,
    panels.setMembersOpen,
    mod.reportMessage,
  );

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
    access.markRead(actions.markRead),
  );
  useStartPosition(hydrated, scroll.ref);
  usePanelFocus(
    state.thread ? "thread-heading" : side && `${side}-heading`,
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
  const thread = state.thread;
  // A refusal that retrying cannot fix (a pending request, a block) also shows by the composer.
  const refusal = select.lastingRefusal(state, LASTING_REFUSALS);
  const peer = props.peer ?? null;

  return (
    <BlockedContext.Provider value={convo.blocked}>
      <div class={`chat${thread || side ? " chat--panel" : ""}`}>
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
          onMembers={() => panels.toggle("members")}
          onLeave={leave}
          readOnly={access.readOnly}
          moderation={mod.allowed
            ? { open: modOpen, onToggle: () => panels.toggle("moderation") }
            : undefined}
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
                  {...access.composer(mod.notice)}
                />
              )}
          </div>
          {thread && (
            <ThreadPanel
              root={thread.root}
              replies={thread.replies}
              loaded={thread.loaded}
              pending={select.threadPending(state)}
              me={author}
              ctx={ctx}
              on={on}
              editingSeq={editingSeq}
              disabled={!hydrated || state.left || !!mod.notice?.locked ||
                access.readOnly}
              onClose={actions.closeThread}
              onRetry={(id) =>
                actions.retry(state.pending.find((p) => p.clientId === id)!)}
              onReply={(text) => actions.send(text, "social", thread.rootSeq)}
              onTyping={actions.typing}
            />
          )}
          {modOpen && <ModerationPanel {...mod.panel} />}
          {membersOpen && (
            <MemberExtrasContext.Provider value={mod.extras}>
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
                onClose={panels.close}
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
            </MemberExtrasContext.Provider>
          )}
        </div>
        {mod.dialog && <ReportDialog {...mod.dialog} />}
      </div>
    </BlockedContext.Provider>
  );
}
