import { useEffect, useRef, useState } from "preact/hooks";
import type { IslandUser } from "../lib/shared/island_props.ts";
import type { ServerFrame } from "../lib/shared/protocol.ts";
import type { MessageView } from "../lib/shared/schemas.ts";
import { ChatSocket, type SocketStatus } from "./chat_socket.ts";
import * as chat from "./chat_state.ts";

/** What the Chat island renders from and acts with. */
export type ChatHandle = {
  state: chat.ChatState;
  status: SocketStatus;
  notice: string;
  send(text: string): void;
  retry(p: chat.PendingMessage): void;
};

/** Holds a room's messages and keeps them live over one self-reconnecting WebSocket. */
export function useChat(
  roomId: string,
  me: IslandUser,
  history: MessageView[],
): ChatHandle {
  const [state, setState] = useState<chat.ChatState>({
    messages: history,
    pending: [],
  });
  const [status, setStatus] = useState<SocketStatus>("connecting");
  const [notice, setNotice] = useState("");
  // Socket callbacks run outside rendering, so every change goes through this ref first.
  const current = useRef(state);
  const socket = useRef<ChatSocket | null>(null);
  const update = (f: (s: chat.ChatState) => chat.ChatState) => {
    current.current = f(current.current);
    setState(current.current);
  };
  const transmit = (p: chat.PendingMessage) =>
    socket.current?.send({
      type: "message.send",
      room: roomId,
      text: p.text,
      clientId: p.clientId,
    });

  function onFrame(f: ServerFrame) {
    if (f.type === "message.new" && f.room === roomId) {
      update((s) => chat.receiveMessage(s, f.message, me.id));
    } else if (f.type === "message.ack") {
      update((s) => chat.ackMessage(s, f.message, me.id));
    } else if (f.type === "error" && f.clientId) {
      const error = f.message;
      update((s) =>
        chat.setPending(s, f.clientId!, { state: "failed", error })
      );
    } else if (f.type === "error") {
      setNotice(f.message);
    }
  }

  useEffect(() => {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const s = new ChatSocket(
      `${scheme}//${location.host}/api/v1/ws`,
      roomId,
      () => chat.lastSeq(current.current),
      {
        status: setStatus,
        // Re-sent with the same clientId, so a send the server already stored is not doubled.
        live: () =>
          current.current.pending.filter((p) => p.state === "sending")
            .forEach(transmit),
        frame: onFrame,
      },
    );
    socket.current = s;
    s.start();
    const online = () => s.reconnectNow();
    const offline = () => s.drop();
    addEventListener("online", online);
    addEventListener("offline", offline);
    return () => {
      removeEventListener("online", online);
      removeEventListener("offline", offline);
      s.close();
    };
  }, [roomId]);

  return {
    state,
    status,
    notice,
    send(text) {
      const p: chat.PendingMessage = {
        clientId: chat.newClientId(),
        text,
        createdAt: new Date().toISOString(),
        state: "sending",
      };
      update((s) => chat.addPending(s, p));
      transmit(p);
    },
    retry(p) {
      update((s) =>
        chat.setPending(s, p.clientId, { state: "sending", error: undefined })
      );
      transmit(p);
    },
  };
}
