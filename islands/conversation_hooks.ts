import { useMemo, useState } from "preact/hooks";
import type { BlockedView } from "../components/BlockedMessage.tsx";
import { personLabel } from "../components/PersonName.tsx";
import type { RoomRole } from "../lib/shared/island_props.ts";
import type { ApiResult } from "./api_client.ts";
import * as convo from "./conversation_api.ts";
import type { RoomAction } from "./room_reducer.ts";
import type { Member } from "./room_state.ts";

/** The outcome of the member panel's last action: an error to show, or what happened. */
export type PanelMessage = { error: string; status: string };

/** What the Chat island needs for requests, blocks and group members. */
export type ConversationHandle = {
  blocked: BlockedView;
  panel: PanelMessage;
  /** True while a request answer or a member action is on its way. */
  busy: boolean;
  requestError: string;
  accept(): Promise<void>;
  decline(): Promise<void>;
  message(m: Member): Promise<void>;
  block(m: Member): Promise<void>;
  unblock(m: Member): Promise<void>;
  add(handle: string): Promise<boolean>;
  setRole(m: Member, role: RoomRole): Promise<void>;
  remove(m: Member): Promise<void>;
  /**
   * Runs one member action (moderation's too) with the panel's busy flag; its error, or the
   * words `done` makes of its answer, go to the panel. Resolves whether it succeeded.
   */
  act<T>(
    call: Promise<ApiResult<T>>,
    done: (data: T) => string,
  ): Promise<boolean>;
};

/**
 * Requests, blocks and group membership for one room page. The server answers every
 * action; events (member.joined, member.role, request.accepted) then update the room live.
 */
export function useConversation(deps: {
  roomId: string;
  initialBlocked: readonly string[];
  dispatch(a: RoomAction): void;
}): ConversationHandle {
  const [blockedIds, setBlockedIds] = useState<ReadonlySet<string>>(() =>
    new Set(deps.initialBlocked)
  );
  const [shown, setShown] = useState<ReadonlySet<number>>(() => new Set());
  const [panel, setPanel] = useState<PanelMessage>({ error: "", status: "" });
  const [requestError, setRequestError] = useState("");
  const [busy, setBusy] = useState(false);
  const group = useMemo(() => convo.groupApi(deps.roomId), [deps.roomId]);
  const blocked = useMemo((): BlockedView => ({
    blocked: blockedIds,
    shown,
    show: (seq) => setShown((s) => new Set(s).add(seq)),
  }), [blockedIds, shown]);

  /** Runs one member action; its error or its outcome goes to the panel. */
  async function act<T>(
    call: Promise<ApiResult<T>>,
    done: (data: T) => string,
  ): Promise<boolean> {
    setBusy(true);
    setPanel({ error: "", status: "" });
    const r = await call;
    setBusy(false);
    setPanel(
      r.ok ? { error: "", status: done(r.data) } : {
        error: r.message,
        status: "",
      },
    );
    return r.ok;
  }
  const setBlocked = (id: string, on: boolean) =>
    setBlockedIds((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  async function answer(accept: boolean) {
    setBusy(true);
    setRequestError("");
    const r = await convo.answerRequest(deps.roomId, accept);
    setBusy(false);
    if (!r.ok) return setRequestError(r.message);
    if (accept) deps.dispatch({ type: "requestAnswered" });
    else location.assign("/inbox");
  }

  return {
    blocked,
    panel,
    busy,
    requestError,
    accept: () => answer(true),
    decline: () => answer(false),
    async message(m) {
      setBusy(true);
      setPanel({ error: "", status: "" });
      const r = await convo.startDirect(m.handle);
      if (r.ok) return location.assign(`/rooms/${r.data}`);
      setBusy(false);
      setPanel({
        error: `Could not message ${personLabel(m)}: ${r.message}`,
        status: "",
      });
    },
    async block(m) {
      const ok = await act(
        convo.block(m.handle),
        () => `You blocked ${personLabel(m)}.`,
      );
      if (ok) setBlocked(m.id, true);
    },
    async unblock(m) {
      const ok = await act(
        convo.unblock(m.id),
        () => `You unblocked ${personLabel(m)}.`,
      );
      if (ok) setBlocked(m.id, false);
    },
    add: (handle) =>
      act(
        group.add(handle),
        (d) =>
          d.added ? `Added @${handle}.` : `@${handle} is already a member.`,
      ),
    async setRole(m, role) {
      await act(
        group.setRole(m.id, role),
        () => `${personLabel(m)} is now ${ROLE_NAMES[role]}.`,
      );
    },
    async remove(m) {
      await act(group.remove(m.id), () => `Removed ${personLabel(m)}.`);
    },
    act,
  };
}

const ROLE_NAMES: Record<RoomRole, string> = {
  owner: "an owner",
  admin: "an admin",
  member: "a member",
};
