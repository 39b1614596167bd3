import { hashToken } from "../db/sessions.ts";
import type { User } from "../db/users.ts";
import { embedsOf } from "../services/embed.ts";
import { authorOf } from "../services/rooms.ts";
import {
  AppError,
  forbidden,
  unauthorized,
  unprocessable,
} from "../shared/errors.ts";
import type { ClientFrame } from "../shared/protocol.ts";
import { CLOSE } from "./frames.ts";
import type { Session } from "./session.ts";
import {
  type SubscribeDeps,
  subscribeInbox,
  subscribeRoom,
  subscribeUserStream,
} from "./subscriptions.ts";

/** What handlers need from the isolate. */
export type HandlerDeps = SubscribeDeps;

type Frame<T extends ClientFrame["type"]> = Extract<ClientFrame, { type: T }>;

/**
 * Builds the handler for validated frames; it throws AppError for the caller to turn into
 * an error frame, and anything else is a fault.
 */
export function createHandlers(session: Session, deps: HandlerDeps) {
  const { services, hub, connId } = deps;

  async function auth(token: string) {
    if (session.user) {
      throw unprocessable("already_authenticated", "Already authenticated");
    }
    const user = await services.accounts.authenticate(token);
    if (!user) {
      session.send({
        type: "error",
        code: "unauthorized",
        message: "Session is not valid",
      });
      return session.end(CLOSE.policy, "bad token");
    }
    // The hash, never the token, lets a later revocation find this socket.
    session.authenticated(user, await hashToken(token));
  }

  async function send(user: User, f: Frame<"message.send">) {
    const { message } = await services.chat.sendMessage(user, f.room, {
      text: f.text,
      clientId: f.clientId,
      threadRoot: f.threadRoot,
      category: f.category ?? "social",
    });
    session.send({ type: "message.ack", clientId: f.clientId, message });
  }

  // Edits, deletes, reactions and pins answer `ack {ref, seq}` when the client gave a ref.
  async function act(
    f: { ref?: string },
    run: () => Promise<{ seq: number }>,
  ) {
    const { seq } = await run();
    if (f.ref) session.send({ type: "ack", ref: f.ref, seq });
  }

  function typing(user: User, room: string) {
    // Only a socket following the room may type in it; the throttle keeps it cheap.
    const sub = session.subs.get(room);
    if (!sub) throw forbidden("not_subscribed", "Subscribe to the room first");
    if (sub.readOnly) {
      throw forbidden("not_member", "Join this room to type in it");
    }
    if (!hub.ephemeral.allowTyping(user.id, room)) return;
    hub.ephemeral.publish(room, { type: "typing", room, user: authorOf(user) });
  }

  async function readMark(user: User, f: Frame<"read.mark">) {
    // Marks only rise, so one dropped over the limit is caught up by the next: no error.
    const shown = await services.receipts.markRead(user, f.room, f.seq)
      .catch((err) => {
        if (err instanceof AppError && err.code === "rate_limited") return null;
        throw err;
      });
    if (shown) {
      hub.ephemeral.publish(f.room, {
        type: "receipt.update",
        room: f.room,
        ...shown,
      });
    }
  }

  /** A socket opened from an embed site acts only in the rooms that list that site. */
  async function requireEmbedRoom(frame: ClientFrame, origin: string) {
    if (frame.type === "presence.set" || frame.type === "unsubscribe") return;
    const room = "room" in frame ? frame.room : null;
    if (room && await embedsOf(services).listsOrigin(room, origin)) return;
    throw forbidden(
      "origin_not_allowed",
      "This site may not use that room (or your inbox) over this connection",
    );
  }

  function unsubscribe(room: string) {
    session.subs.get(room)?.stop();
    session.subs.delete(room);
    session.send({ type: "unsubscribed", room, reason: "request" });
  }

  return async function handle(frame: ClientFrame): Promise<void> {
    if (frame.type === "auth") return await auth(frame.token);
    if (frame.type === "ping") {
      return session.send({ type: "pong", id: frame.id });
    }
    const user = session.user;
    if (!user) throw unauthorized();
    if (session.embedOrigin) await requireEmbedRoom(frame, session.embedOrigin);
    const { actions } = services;
    switch (frame.type) {
      case "subscribe":
        return await subscribeRoom(session, deps, user, frame.room, frame);
      case "unsubscribe":
        return unsubscribe(frame.room);
      case "notifications.subscribe":
        return await subscribeUserStream(session, deps, user, frame);
      case "inbox.subscribe":
        return await subscribeInbox(session, deps, user);
      case "message.send":
        return await send(user, frame);
      case "message.edit":
        return await act(
          frame,
          () => actions.editMessage(user, frame.room, frame.seq, frame.text),
        );
      case "message.delete":
        return await act(
          frame,
          () => actions.deleteMessage(user, frame.room, frame.seq),
        );
      case "reaction.set":
        return await act(frame, () =>
          actions.setReaction(
            user,
            frame.room,
            frame.seq,
            frame.emoji,
            frame.on,
          ));
      case "pin.set":
        return await act(
          frame,
          () => actions.setPin(user, frame.room, frame.seq, frame.pinned),
        );
      case "typing":
        return typing(user, frame.room);
      case "read.mark":
        return await readMark(user, frame);
      case "presence.set":
        session.status = frame.status;
        return await hub.presence.setStatus(connId, frame.status);
    }
  };
}
