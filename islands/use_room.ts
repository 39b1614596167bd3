import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ChatProps } from "../lib/shared/island_props.ts";
import type { MessageCategory } from "../lib/shared/schemas.ts";
import { type SocketStatus, tabSocket } from "./chat_socket.ts";
import { createRoomActions, type RoomActions } from "./room_actions.ts";
import { roomApi } from "./room_api.ts";
import { frameToOutcome } from "./room_frames.ts";
import { type RoomAction, roomReducer } from "./room_reducer.ts";
import { initialRoomState, type RoomState } from "./room_state.ts";

/** How long a gap in the event order may last before the room reloads a snapshot. */
export const GAP_WAIT_MS = 5000;

/** How long a notice (a failed action, a server error) stays in the status line. */
export const NOTICE_MS = 8000;

/** What the Chat island renders from and acts with. */
export type RoomHandle = {
  state: RoomState;
  status: SocketStatus;
  notice: string;
  filter: MessageCategory | null;
  actions: RoomActions;
  /** Applies a change the page learnt by other means than the socket (a REST answer). */
  dispatch(a: RoomAction): void;
  setFilter(category: MessageCategory | null): void;
  /** Loads the page before the oldest message held, calling `beforeApply` just before it lands. */
  loadOlder(beforeApply?: () => void): Promise<boolean>;
  notify(message: string): void;
  /** The reader is back at the live end: let the room trim what it kept for browsing. */
  follow(): void;
  /** Leaves the room; resolves false (with a notice) when that failed. */
  leave(): Promise<boolean>;
};

/** Keeps one room's state live over the tab's socket and reloads what the socket cannot give. */
export function useRoom(props: ChatProps): RoomHandle {
  const [state, setState] = useState(() =>
    initialRoomState({
      roomId: props.roomId,
      me: props.me.id,
      kind: props.kind,
      role: props.role,
      request: props.request,
      name: props.roomName,
      memberCount: props.memberCount,
      ...props.history,
    })
  );
  // Socket callbacks run outside rendering, so every change goes through this ref first.
  const ref = useRef(state);
  const [status, setStatus] = useState<SocketStatus>("connecting");
  const [notice, setNotice] = useState("");
  const [filter, setFilterState] = useState<MessageCategory | null>(null);
  const filterRef = useRef(filter);
  const busy = useRef({ sync: false, older: false });
  const api = useMemo(() => roomApi(props.roomId), [props.roomId]);

  const dispatch = (a: RoomAction) => {
    const next = roomReducer(ref.current, a);
    if (next === ref.current) return;
    ref.current = next;
    setState(next);
  };
  const actions = useMemo(() =>
    createRoomActions({
      roomId: props.roomId,
      api,
      state: () => ref.current,
      dispatch,
      send: (f) => tabSocket().send(f),
      notify: setNotice,
      now: Date.now,
    }), [api]);

  const loadSide = async () => {
    const [pins, members] = await Promise.all([api.pins(), api.members()]);
    if (pins.ok) dispatch({ type: "pins", items: pins.data.items });
    if (members.ok) dispatch({ type: "members", items: members.data });
  };

  async function resync() {
    if (busy.current.sync) return;
    busy.current.sync = true;
    const r = await api.history({ category: filterRef.current });
    busy.current.sync = false;
    if (!r.ok) {
      setNotice(r.message);
      setTimeout(() => ref.current.syncing && resync(), GAP_WAIT_MS);
      return;
    }
    dispatch({ type: "page", kind: "snapshot", page: r.data });
    await loadSide();
  }

  useEffect(() => {
    const socket = tabSocket();
    setStatus(socket.status);
    const offStatus = socket.onStatus(setStatus);
    const leave = socket.join(props.roomId, {
      position: () => ({ after: ref.current.cursor, epoch: ref.current.epoch }),
      frame: (f) => {
        const out = frameToOutcome(ref.current, f, Date.now());
        if (out && "action" in out) dispatch(out.action);
        else if (out) setNotice(out.notice);
      },
      live: () => actions.resendPending(),
    });
    loadSide();
    return () => {
      offStatus();
      leave();
    };
  }, [props.roomId]);

  useEffect(() => void (state.syncing && resync()), [state.syncing]);
  useEffect(() => void (state.pinsStale && loadSide()), [state.pinsStale]);

  const gap = state.held.length > 0 && !state.syncing;
  useEffect(() => {
    if (!gap) return;
    const timer = setTimeout(resync, GAP_WAIT_MS);
    return () => clearTimeout(timer);
  }, [gap]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(""), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const typing = Object.keys(state.typing).length > 0;
  useEffect(() => {
    if (!typing) return;
    const timer = setInterval(
      () => dispatch({ type: "tick", now: Date.now() }),
      1000,
    );
    return () => clearInterval(timer);
  }, [typing]);

  return {
    state,
    status,
    notice,
    filter,
    actions,
    dispatch,
    notify: setNotice,
    follow: () => dispatch({ type: "follow" }),
    async leave() {
      const r = await api.leave();
      if (!r.ok) setNotice(r.message);
      return r.ok;
    },
    async setFilter(category) {
      filterRef.current = category;
      setFilterState(category);
      const r = await api.history({ category });
      if (filterRef.current !== category) return;
      if (r.ok) dispatch({ type: "page", kind: "reload", page: r.data });
      else setNotice(r.message);
    },
    async loadOlder(beforeApply) {
      const before = ref.current.older;
      if (!before || busy.current.older) return false;
      busy.current.older = true;
      const category = filterRef.current;
      const r = await api.history({ before, category });
      busy.current.older = false;
      if (!r.ok) setNotice(r.message);
      if (!r.ok || filterRef.current !== category) return false;
      beforeApply?.();
      dispatch({ type: "page", kind: "older", page: r.data });
      return true;
    },
  };
}
