import type { Message, Messages } from "../db/messages.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import type { User } from "../db/users.ts";
import { notFound } from "../shared/errors.ts";
import type { MessageView, Page } from "../shared/schemas.ts";
import { LIMITS } from "./limits.ts";
import type { RoomSignals } from "./signals.ts";
import type { RoomService } from "./rooms.ts";

/** A stored message as clients see it. */
export function toMessageView(m: Message): MessageView {
  return { ...m, createdAt: new Date(m.createdAt).toISOString() };
}

/** Sending and reading messages, shared by the HTTP API and the socket server. */
export function createChatService(
  messages: Messages,
  rooms: RoomService,
  limits: RateLimits,
  signals: { current: RoomSignals },
) {
  return {
    /** Sends a message as a member; a retried clientId returns the original (created=false). */
    async sendMessage(
      user: User,
      roomId: string,
      text: string,
      clientId: string,
    ) {
      await rooms.requireMember(user, roomId);
      await limits.hit(LIMITS.send, user.id);
      const author = {
        id: user.id,
        handle: user.handle,
        displayName: user.displayName,
      };
      const { message, created } = await messages.createMessage(
        roomId,
        author,
        text,
        clientId,
      );
      if (!message) throw notFound("Room");
      if (created) signals.current.notify(roomId, message.seq);
      return { message: toMessageView(message), created };
    },

    /** A page of a room's history, for members only. */
    async listMessages(
      user: User,
      roomId: string,
      opts: { after?: number; before?: number; limit: number },
    ): Promise<Page<MessageView>> {
      await rooms.requireMember(user, roomId);
      const page = await messages.listMessages(roomId, opts);
      return { items: page.items.map(toMessageView), cursor: page.cursor };
    },
  };
}

/** The chat service's type. */
export type ChatService = ReturnType<typeof createChatService>;
