import type { Message } from "../db/messages.ts";
import type { User } from "../db/users.ts";
import type { Services } from "../services/mod.ts";
import { notFound, unauthorized, unprocessable } from "../shared/errors.ts";
import { type ClientFrame, MAX_SUBSCRIPTIONS } from "../shared/protocol.ts";
import { CLOSE } from "./frames.ts";
import type { Session, Subscription } from "./session.ts";

/** What handlers need from the isolate. */
export type HandlerDeps = {
  services: Services;
  subscribe(
    room: string,
    cursor: number,
    deliver: (m: Message) => boolean,
  ): Subscription;
};

/**
 * Builds the handler for validated frames; it throws AppError for the caller to turn into
 * an error frame, and anything else is a fault.
 */
export function createHandlers(session: Session, deps: HandlerDeps) {
  const { services } = deps;

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
    session.authenticated(user);
  }

  async function subscribe(user: User, room: string, after?: number) {
    if (!session.subs.has(room) && session.subs.size >= MAX_SUBSCRIPTIONS) {
      throw unprocessable(
        "too_many_subscriptions",
        `At most ${MAX_SUBSCRIPTIONS} rooms per connection`,
      );
    }
    await services.rooms.requireMember(user, room);
    const head = await services.repos.messages.getRoomHead(room);
    if (!head) throw notFound("Room");
    // Closed while we awaited: cleanup has run, so a subscription now would never be stopped.
    if (!session.isOpen()) return;
    // A cursor past the head would silently skip messages still to come; clamp it.
    const cursor = Math.min(after ?? head.seq, head.seq);
    session.subs.get(room)?.stop();
    // `subscribed` goes out before the feed can deliver: both happen in this one tick.
    session.send({ type: "subscribed", room, seq: cursor });
    session.subs.set(room, deps.subscribe(room, cursor, session.deliver));
  }

  async function sendMessage(
    user: User,
    frame: Extract<ClientFrame, { type: "message.send" }>,
  ) {
    const { message } = await services.chat.sendMessage(
      user,
      frame.room,
      frame.text,
      frame.clientId,
    );
    session.send({ type: "message.ack", clientId: frame.clientId, message });
  }

  return async function handle(frame: ClientFrame): Promise<void> {
    if (frame.type === "auth") return await auth(frame.token);
    if (frame.type === "ping") {
      return session.send({ type: "pong", id: frame.id });
    }
    const user = session.user;
    if (!user) throw unauthorized();
    switch (frame.type) {
      case "subscribe":
        return await subscribe(user, frame.room, frame.after);
      case "unsubscribe":
        session.subs.get(frame.room)?.stop();
        session.subs.delete(frame.room);
        return session.send({ type: "unsubscribed", room: frame.room });
      case "message.send":
        return await sendMessage(user, frame);
    }
  };
}
