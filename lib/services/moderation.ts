import type { AuditLog } from "../db/audit.ts";
import { keys } from "../db/keys.ts";
import type { Members, RoomBan } from "../db/members.ts";
import type { RaidShields } from "../db/raid_shield.ts";
import type { RoomEdits } from "../db/room_edits.ts";
import type { Sessions } from "../db/sessions.ts";
import type { Store } from "../db/store.ts";
import type { SiteRole, User, Users } from "../db/users.ts";
import { forbidden, notFound, validation } from "../shared/errors.ts";
import { LIMITS } from "./limits.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import { MAX_SLOW_MODE_S } from "./moderation_rules.ts";
import { can, kindOf, removeAction, type RoomAction } from "./policy.ts";
import { authorOf, roleOf, type RoomService } from "./rooms.ts";

/** Whether a user holds a site role that moderates everywhere. */
export const isSiteModerator = (u: User) =>
  u.siteRole === "admin" || u.siteRole === "moderator";

/** Room moderation (mute, kick, ban, raid shield, slow mode) and site moderation (bans). */
export function createModerationService(deps: {
  store: Store;
  rooms: RoomService;
  members: Members;
  users: Users;
  sessions: Sessions;
  edits: RoomEdits;
  shields: RaidShields;
  audit: AuditLog;
  limits: RateLimits;
}) {
  const { store, rooms, members, users, sessions, edits, shields, audit } =
    deps;
  const { clock } = store;

  /**
   * The actor's right to `action` in the room, over the target's role: room admins act on
   * members, owners on admins too, nobody on an owner. Site moderators act anywhere.
   */
  async function reach(
    actor: User,
    roomId: string,
    action: RoomAction,
    targetId?: string,
  ) {
    const site = isSiteModerator(actor);
    const ctx = site ? null : await rooms.requireMember(actor, roomId);
    const room = ctx?.room ?? await rooms.requireRoom(roomId);
    if (kindOf(room) === "direct") {
      throw forbidden("not_allowed", "Direct conversations have no moderators");
    }
    if (ctx && !can(kindOf(room), ctx.role, action)) {
      throw forbidden("not_allowed", "Only room admins can do that");
    }
    await deps.limits.hit(LIMITS.act, actor.id);
    if (targetId === undefined) return { room };
    if (targetId === actor.id) {
      throw forbidden("not_allowed", "You cannot do that to yourself");
    }
    const target = await users.getUser(targetId);
    if (!target) throw notFound("User");
    const m = await members.getMember(roomId, targetId);
    if (m && ctx) {
      const targetRole = roleOf(room, targetId, m);
      if (!can(kindOf(room), ctx.role, removeAction(targetRole))) {
        throw forbidden(
          "not_allowed",
          `You cannot do that to ${
            targetRole === "owner" ? "an owner" : "an admin"
          }`,
        );
      }
    }
    return { room, membership: m, target };
  }

  const log = (
    actor: User,
    action: string,
    target: string,
    reason?: string,
    details?: Record<string, string | number | boolean | null>,
  ) => audit.record({ actor: actor.id, action, target, reason, details });

  /** A site admin or moderator, else 403. */
  function requireSite(actor: User, adminOnly = false) {
    const ok = adminOnly ? actor.siteRole === "admin" : isSiteModerator(actor);
    if (!ok) {
      throw forbidden(
        "not_allowed",
        adminOnly
          ? "Only site admins can do that"
          : "Only site moderators can do that",
      );
    }
  }

  async function requireUser(id: string): Promise<User> {
    const u = await users.getUser(id);
    if (!u) throw notFound("User");
    return u;
  }

  return {
    /** Mutes a member for `minutes` (they read, cannot post or react); a member.muted event. */
    async mute(
      actor: User,
      roomId: string,
      userId: string,
      minutes: number,
      reason = "",
    ): Promise<string> {
      const { membership } = await reach(actor, roomId, "mute", userId);
      if (!membership) throw notFound("Member");
      const until = clock.now() + minutes * 60_000;
      await members.patchMember(
        roomId,
        userId,
        (m) => ({ ...m, mutedUntil: until }),
        { kind: "member.muted", userId, until, by: actor.id },
      );
      await log(actor, "member.mute", `user:${userId}`, reason, {
        room: roomId,
        minutes,
      });
      return new Date(until).toISOString();
    },

    /** Lifts a mute early. */
    async unmute(actor: User, roomId: string, userId: string): Promise<void> {
      const { membership } = await reach(actor, roomId, "mute", userId);
      if (!membership) throw notFound("Member");
      const changed = await members.patchMember(
        roomId,
        userId,
        (m) => {
          if (m.mutedUntil === undefined) return null;
          const { mutedUntil: _, ...rest } = m;
          return rest;
        },
        { kind: "member.muted", userId, until: null, by: actor.id },
      );
      if (changed) await log(actor, "member.unmute", `user:${userId}`);
    },

    /** Removes a member; they may join again (a member.left with reason "kicked"). */
    async kick(actor: User, roomId: string, userId: string, reason = "") {
      const { target, membership } = await reach(actor, roomId, "kick", userId);
      if (!membership || !target) throw notFound("Member");
      await members.deleteMember(roomId, authorOf(target), {
        by: actor.id,
        reason: "kicked",
        keepOwner: true,
      });
      await log(actor, "member.kick", `user:${userId}`, reason, {
        room: roomId,
      });
    },

    /**
     * Bans someone from a room (for `days`, or until lifted): removes them if they are a
     * member and bars joins, in one commit.
     */
    async ban(
      actor: User,
      roomId: string,
      userId: string,
      opts: { reason?: string; days?: number },
    ) {
      const { target } = await reach(actor, roomId, "ban", userId);
      if (!target) throw notFound("User");
      const now = clock.now();
      const ban: RoomBan = {
        by: actor.id,
        reason: opts.reason ?? "",
        at: now,
        until: opts.days ? now + opts.days * 86_400_000 : null,
      };
      await members.deleteMember(roomId, authorOf(target), {
        by: actor.id,
        reason: "banned",
        ban,
        keepOwner: true,
      });
      await log(actor, "member.ban", `user:${userId}`, opts.reason, {
        room: roomId,
        days: opts.days ?? null,
      });
    },

    /** Lifts a room ban. */
    async unban(actor: User, roomId: string, userId: string) {
      await reach(actor, roomId, "ban");
      if (await members.liftBan(roomId, userId)) {
        await log(actor, "member.unban", `user:${userId}`, undefined, {
          room: roomId,
        });
      }
    },

    /** A room's bans with who and why (room admins). */
    async listBans(actor: User, roomId: string) {
      await reach(actor, roomId, "ban");
      const now = clock.now();
      const list = (await members.listBans(roomId)).filter((b) =>
        b.ban.until === null || b.ban.until > now
      );
      const found = await users.getUsers(list.map((b) => b.userId));
      return list.map((b, i) => ({
        userId: b.userId,
        handle: found[i]?.handle ?? "",
        displayName: found[i]?.displayName ?? "Deleted user",
        by: b.ban.by,
        reason: b.ban.reason,
        at: new Date(b.ban.at).toISOString(),
        until: b.ban.until === null
          ? null
          : new Date(b.ban.until).toISOString(),
      }));
    },

    /** Lets in a member the raid shield held (a member.admitted event). */
    async admit(actor: User, roomId: string, userId: string) {
      await reach(actor, roomId, "admit", userId);
      const changed = await members.patchMember(
        roomId,
        userId,
        (m) => {
          if (!m.held) return null;
          const { held: _, ...rest } = m;
          return rest;
        },
        { kind: "member.admitted", userId, by: actor.id },
      );
      if (changed) {
        await log(actor, "member.admit", `user:${userId}`, undefined, {
          room: roomId,
        });
      }
    },

    /** The room's raid shield: whether it is up and until when (room admins). */
    async shield(actor: User, roomId: string) {
      await reach(actor, roomId, "admit");
      const s = await shields.current(roomId);
      return {
        up: s !== null,
        until: s ? new Date(s.until).toISOString() : null,
      };
    },

    /** Lowers the raid shield: later joiners are no longer held. */
    async lowerShield(actor: User, roomId: string) {
      await reach(actor, roomId, "admit");
      if (await shields.lower(roomId)) {
        await log(actor, "room.shield_lower", `room:${roomId}`);
      }
    },

    /** Sets slow mode (0 turns it off); members see room.updated with `slowModeS`. */
    async setSlowMode(actor: User, roomId: string, seconds: number) {
      await reach(actor, roomId, "slow_mode");
      if (
        !Number.isInteger(seconds) || seconds < 0 || seconds > MAX_SLOW_MODE_S
      ) {
        throw validation(`slowModeS must be 0–${MAX_SLOW_MODE_S}`, {
          field: "slowModeS",
        });
      }
      await edits.updateRoom(roomId, { slowModeS: seconds });
      await log(actor, "room.slow_mode", `room:${roomId}`, undefined, {
        seconds,
      });
    },

    /** Bans an account site-wide (site moderators): sessions revoked, sign-in refused. */
    async banUser(actor: User, userId: string, reason = "") {
      requireSite(actor);
      const target = await requireUser(userId);
      if (target.siteRole === "admin" && actor.siteRole !== "admin") {
        throw forbidden("not_allowed", "Only site admins can ban an admin");
      }
      if (target.id === actor.id) {
        throw forbidden("not_allowed", "You cannot ban yourself");
      }
      await users.updateStanding(userId, {
        ban: { at: clock.now(), reason: reason || undefined },
      });
      await sessions.deleteSessionsByUser(userId);
      await log(actor, "user.ban", `user:${userId}`, reason);
    },

    /** Lifts a site ban. */
    async unbanUser(actor: User, userId: string) {
      requireSite(actor);
      await requireUser(userId);
      await users.updateStanding(userId, { ban: null });
      await log(actor, "user.unban", `user:${userId}`);
    },

    /** Shadow-bans (or lifts it): their new messages reach only themselves. */
    async setShadowBan(actor: User, userId: string, on: boolean, reason = "") {
      requireSite(actor);
      const target = await requireUser(userId);
      if (target.siteRole && actor.siteRole !== "admin") {
        throw forbidden("not_allowed", "Only site admins can do that to staff");
      }
      await users.updateStanding(userId, { shadowBan: on });
      await log(
        actor,
        on ? "user.shadow_ban" : "user.shadow_unban",
        `user:${userId}`,
        reason,
      );
    },

    /** Grants or removes a site role (site admins). */
    async setSiteRole(actor: User, userId: string, role: SiteRole | null) {
      requireSite(actor, true);
      await requireUser(userId);
      if (userId === actor.id && role !== "admin") {
        throw forbidden("not_allowed", "Ask another admin to change your role");
      }
      await users.updateStanding(userId, { siteRole: role });
      await log(actor, "user.grant", `user:${userId}`, undefined, {
        role: role ?? "none",
      });
    },

    /** What a site moderator sees of an account's standing. */
    async standing(actor: User, userId: string) {
      requireSite(actor);
      const u = await requireUser(userId);
      return {
        id: u.id,
        handle: u.handle,
        displayName: u.displayName,
        siteRole: u.siteRole ?? null,
        banned: u.bannedAt !== undefined,
        shadowBanned: u.shadowBanned === true,
      };
    },

    /** The members the raid shield holds in a room, for its admins. */
    async heldMembers(actor: User, roomId: string) {
      await reach(actor, roomId, "admit");
      const held: string[] = [];
      for await (
        const e of store.kv.list<{ held?: boolean }>({
          prefix: keys.roomMembersPrefix(roomId),
        })
      ) if (e.value.held) held.push(e.key[2] as string);
      return held;
    },
  };
}

/** The moderation service's type. */
export type ModerationService = ReturnType<typeof createModerationService>;
