import type { Guard, MessageActions } from "../db/message_actions.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import type { User, Users } from "../db/users.ts";
import { forbidden, notFound } from "../shared/errors.ts";
import type { AuthorView, MessageView } from "../shared/schemas.ts";
import { toMessageView } from "./chat.ts";
import { LIMITS } from "./limits.ts";
import { can, kindOf, type RoomAction } from "./policy.ts";
import { authorOf, type MemberContext, type RoomService } from "./rooms.ts";
import type { Messages } from "../db/messages.ts";
import type { AuditLog } from "../db/audit.ts";
import type { Clock } from "../shared/clock.ts";
import { requireVisible, silenced, visibleTo } from "./moderation_rules.ts";

/** What an action answers: the message after it and the seq of the event it appended (0: none). */
export type ActionResult = { message: MessageView; seq: number };

/** Edits, deletes, reactions and pins, each decided by the policy table. */
export function createActionService(
  actions: MessageActions,
  messages: Messages,
  rooms: RoomService,
  users: Users,
  limits: RateLimits,
  opts: { audit?: AuditLog; clock?: Clock } = {},
) {
  const now = () => opts.clock?.now() ?? Date.now();

  /** A guard that first hides someone else's shadow message, as if it did not exist. */
  const seen = (user: User, then: Guard = () => {}): Guard => (m) => {
    requireVisible(m, user.id);
    then(m);
  };

  function allowed(ctx: MemberContext, action: RoomAction) {
    return can(kindOf(ctx.room), ctx.role, action);
  }

  function requireRight(ctx: MemberContext, action: RoomAction) {
    if (!allowed(ctx, action)) {
      throw forbidden("not_allowed", "Only room admins can do that");
    }
  }

  /** Membership, the action's right, and the shared rate limit, in that order. */
  async function enter(user: User, roomId: string, action?: RoomAction) {
    const ctx = await rooms.requireMember(user, roomId);
    rooms.requireOpen(ctx.room);
    if (action) requireRight(ctx, action);
    await limits.hit(LIMITS.act, user.id);
    return ctx;
  }

  const done = (
    r: {
      result: Parameters<typeof toMessageView>[0];
      events: { seq: number }[];
    },
  ): ActionResult => ({
    message: toMessageView(r.result),
    seq: r.events.at(-1)?.seq ?? 0,
  });

  return {
    /** Edits the user's own message; 403 `not_author` for anyone else's. */
    async editMessage(user: User, roomId: string, seq: number, text: string) {
      const ctx = await enter(user, roomId);
      const guard: Guard = seen(user, (m) => {
        if (m.author.id !== user.id || !allowed(ctx, "edit_own")) {
          throw forbidden("not_author", "You can only edit your own messages");
        }
      });
      return done(await actions.editMessage(roomId, seq, text, guard));
    },

    /** Deletes a message: the author's own, or anyone's for room admins. */
    async deleteMessage(user: User, roomId: string, seq: number) {
      const ctx = await enter(user, roomId);
      let author = "";
      const guard: Guard = seen(user, (m) => {
        author = m.author.id;
        const own = m.author.id === user.id && allowed(ctx, "delete_own");
        if (!own && !allowed(ctx, "delete_any")) {
          throw forbidden(
            "not_allowed",
            "You can only delete your own messages",
          );
        }
      });
      const result = done(await actions.deleteMessage(roomId, seq, guard));
      // A moderator deleting someone else's message is a moderation action.
      if (author && author !== user.id && result.seq > 0) {
        await opts.audit?.record({
          actor: user.id,
          action: "message.delete",
          target: `message:${roomId}/${seq}`,
          details: { room: roomId, author },
        });
      }
      return result;
    },

    /** Sets or clears the user's emoji on a message. */
    async setReaction(
      user: User,
      roomId: string,
      seq: number,
      emoji: string,
      on: boolean,
    ) {
      const ctx = await enter(user, roomId, "react");
      const why = silenced(ctx.membership, now());
      if (why) throw why;
      return done(
        await actions.setReaction(roomId, seq, user.id, emoji, on, seen(user)),
      );
    },

    /** Pins or unpins a message (room admins). */
    async setPin(user: User, roomId: string, seq: number, pinned: boolean) {
      await enter(user, roomId, "pin");
      return done(
        await actions.setPin(roomId, seq, user.id, pinned, seen(user)),
      );
    },

    /** Who reacted with each emoji, with their names. */
    async listReactions(user: User, roomId: string, seq: number) {
      await rooms.requireReader(user, roomId);
      const m = requireVisible(await messages.getMessage(roomId, seq), user.id);
      // A delete scrubs at most 400 reactor entries in its commit; a tombstone shows none.
      if (m.deleted) return [];
      const groups = await actions.listReactions(roomId, seq);
      const found = await users.getUsers(groups.flatMap((g) => g.userIds));
      const byId = new Map(
        found.flatMap((u) => u ? [[u.id, authorOf(u)]] : []),
      );
      return groups.map((g) => ({
        emoji: g.emoji,
        count: g.userIds.length,
        users: g.userIds.flatMap((id): AuthorView[] => {
          const a = byId.get(id);
          return a ? [a] : [];
        }),
      }));
    },

    /** A message's earlier texts, for room admins (moderation). */
    async listEdits(user: User, roomId: string, seq: number) {
      const ctx = await rooms.requireMember(user, roomId);
      requireRight(ctx, "view_edits");
      if (!(await messages.getMessage(roomId, seq))) throw notFound("Message");
      return (await actions.listEdits(roomId, seq)).map((e) => ({
        text: e.text,
        editedAt: new Date(e.editedAt).toISOString(),
      }));
    },

    /** The room's pinned messages, by seq. */
    async listPins(user: User, roomId: string): Promise<MessageView[]> {
      await rooms.requireReader(user, roomId);
      const seqs = await actions.listPinSeqs(roomId);
      return (await messages.getMessages(roomId, seqs))
        .filter((m) => visibleTo(m, user.id)).map(toMessageView);
    },
  };
}

/** The action service's type. */
export type ActionService = ReturnType<typeof createActionService>;
