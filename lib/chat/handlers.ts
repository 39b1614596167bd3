import { hashToken } from "../db/sessions.ts";
import type { User } from "../db/users.ts";
import type { Services } from "../services/mod.ts";
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
import type { Hub } from "./hub.ts";
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

async function auth(session: Session, services: Services, token: string) {
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

async function send(
  session: Session,
  services: Services,
  user: User,
  f: Frame<"message.send">,
) {
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
  session: Session,
  f: { ref?: string },
  run: () => Promise<{ seq: number }>,
) {
  const { seq } = await run();
  if (f.ref) session.send({ type: "ack", ref: f.ref, seq });
}

function typing(session: Session, hub: Hub, user: User, room: string) {
  // Only a socket following the room may type in it; the throttle keeps it cheap.
  const sub = session.subs.get(room);
  if (!sub) throw forbidden("not_subscribed", "Subscribe to the room first");
  if (sub.readOnly) {
    throw forbidden("not_member", "Join this room to type in it");
  }
  if (!hub.ephemeral.allowTyping(user.id, room)) return;
  hub.ephemeral.publish(room, { type: "typing", room, user: authorOf(user) });
}

async function readMark(
  { services, hub }: HandlerDeps,
  user: User,
  f: Frame<"read.mark">,
) {
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
async function requireEmbedRoom(
  services: Services,
  frame: ClientFrame,
  origin: string,
) {
  if (frame.type === "presence.set" || frame.type === "unsubscribe") return;
  const room = "room" in frame ? frame.room : null;
  if (room && await embedsOf(services).listsOrigin(room, origin)) return;
  throw forbidden(
    "origin_not_allowed",
    "This site may not use that room (or your inbox) over this connection",
  );
}

function unsubscribe(session: Session, room: string) {
  session.subs.get(room)?.stop();
  session.subs.delete(room);
  session.send({ type: "unsubscribed", room, reason: "request" });
}

/** The frames that act on a message: each is one call of the actions service. */
function actOn(
  session: Session,
  { actions }: Services,
  user: User,
  frame: Frame<"message.edit" | "message.delete" | "reaction.set" | "pin.set">,
) {
  switch (frame.type) {
    case "message.edit":
      return act(
        session,
        frame,
        () => actions.editMessage(user, frame.room, frame.seq, frame.text),
      );
    case "message.delete":
      return act(
        session,
        frame,
        () => actions.deleteMessage(user, frame.room, frame.seq),
      );
    case "reaction.set":
      return act(session, frame, () =>
        actions.setReaction(
          user,
          frame.room,
          frame.seq,
          frame.emoji,
          frame.on,
        ));
    case "pin.set":
      return act(
        session,
        frame,
        () => actions.setPin(user, frame.room, frame.seq, frame.pinned),
      );
  }
}

/**
 * Handles one validated frame of `session`; it throws AppError for the caller to turn into
 * an error frame, and anything else is a fault. Shared by every socket: nothing is built
 * per connection.
 */
export async function handleFrame(
  session: Session,
  deps: HandlerDeps,
  frame: ClientFrame,
): Promise<void> {
  const { services, hub } = deps;
  if (frame.type === "auth") return await auth(session, services, frame.token);
  if (frame.type === "ping") {
    return session.send({ type: "pong", id: frame.id });
  }
  const user = session.user;
  if (!user) throw unauthorized();
  if (session.embedOrigin) {
    await requireEmbedRoom(services, frame, session.embedOrigin);
  }
  switch (frame.type) {
    case "subscribe":
      return await subscribeRoom(session, deps, user, frame.room, frame);
    case "unsubscribe":
      return unsubscribe(session, frame.room);
    case "notifications.subscribe":
      return await subscribeUserStream(session, deps, user, frame);
    case "inbox.subscribe":
      return await subscribeInbox(session, deps, user);
    case "message.send":
      return await send(session, services, user, frame);
    case "typing":
      return typing(session, hub, user, frame.room);
    case "read.mark":
      return await readMark(deps, user, frame);
    case "presence.set":
      session.status = frame.status;
      return await hub.presence.setStatus(deps.connId, frame.status);
    default:
      return await actOn(session, services, user, frame);
  }
}
