import { createEmbeds, type EmbedSettings } from "../db/embed.ts";
import { epochOf } from "../db/room_log.ts";
import { hasEnded, isProximity, type ProximityRoom } from "../db/rooms.ts";
import { toUserView, type User } from "../db/users.ts";
import {
  type EmbedAccess,
  type EmbedSettingsInput,
  type EmbedSettingsView,
  parseEmbedOrigin,
} from "../shared/embed_schemas.ts";
import { forbidden, notFound } from "../shared/errors.ts";
import type { MessageView, RoomHeadView } from "../shared/schemas.ts";
import type { SignedIn } from "./accounts.ts";
import { toMessageView } from "./chat.ts";
import { createGuestUser } from "./guests.ts";
import { LIMITS } from "./limits.ts";
import type { Services } from "./mod.ts";
import { visibleTo } from "./moderation_rules.ts";
import { can, kindOf } from "./policy.ts";
import { authorOf } from "./rooms.ts";

/** A room published for embedding, with its settings. */
export type Published = { room: ProximityRoom; settings: EmbedSettings };

const viewOf = (s: EmbedSettings | null): EmbedSettingsView => ({
  origins: s?.origins ?? [],
  allowGuests: s?.allowGuests ?? false,
  venueScreen: s?.venueScreen ?? false,
});

/**
 * The embeddable widget's rules: which sites may frame a room and open sockets into it,
 * guests who post under a chosen name, and who reads or posts from inside the embed.
 */
export function createEmbedService(services: Services) {
  const { repos, rooms, store } = services;
  const embeds = createEmbeds(store);

  /** A public room the user may manage embedding of (owner and admins: edit_room). */
  async function requireManager(user: User, roomId: string) {
    const { room, role } = await rooms.requireMember(user, roomId);
    if (!isProximity(room)) {
      throw forbidden("not_allowed", "Only public rooms can be embedded");
    }
    if (!can(kindOf(room), role, "edit_room")) {
      throw forbidden("not_allowed", "Only room admins can manage embedding");
    }
    return room;
  }

  /** A proximity room that lists at least one site; 404 otherwise (embedding is off). */
  async function requirePublished(roomId: string): Promise<Published> {
    const [room, settings] = await Promise.all([
      repos.rooms.getRoom(roomId),
      embeds.getEmbed(roomId),
    ]);
    if (!room || !isProximity(room) || !settings?.origins.length) {
      throw notFound("Room");
    }
    return { room, settings };
  }

  /** Makes the user a member without a fix, or renews their posting lease if they are one. */
  async function admit(user: User, room: ProximityRoom) {
    const renewed = await repos.members.patchMember(
      room.id,
      user.id,
      (m, now) => ({ ...m, confirmedAt: now }),
      null,
    );
    // addMember refuses a ban from the room inside its own commit.
    if (!renewed && await repos.members.addMember(room.id, authorOf(user))) {
      await services.stats.joined(room.category);
    }
  }

  return {
    requirePublished,

    /** A room's embed settings, for its owner and admins. */
    async getSettings(user: User, roomId: string): Promise<EmbedSettingsView> {
      await requireManager(user, roomId);
      return viewOf(await embeds.getEmbed(roomId));
    },

    /** Replaces the room's sites (normalised, without repeats); flags left out are kept. */
    async putSettings(
      user: User,
      roomId: string,
      input: EmbedSettingsInput,
    ): Promise<EmbedSettingsView> {
      await requireManager(user, roomId);
      await repos.limits.hit(LIMITS.act, user.id);
      const current = await embeds.getEmbed(roomId);
      const origins = [
        ...new Set(input.origins.flatMap((o) => parseEmbedOrigin(o) ?? [])),
      ];
      return viewOf(
        await embeds.setEmbed(roomId, {
          origins,
          allowGuests: input.allowGuests ?? current?.allowGuests ?? false,
          venueScreen: input.venueScreen ?? current?.venueScreen ?? false,
        }, user.id),
      );
    },

    /** Whether any room lists the site, so a socket from it may open (scoped to those rooms). */
    isEmbedOrigin: (origin: string) => embeds.isEmbedOrigin(origin),

    /** Whether the room lists the site. */
    listsOrigin: (roomId: string, origin: string) =>
      embeds.listsOrigin(roomId, origin),

    /**
     * Signs a visitor up as a guest of a room that takes guests: a `guest_xxxxxx` account
     * under their chosen name, a member of that room at once, and a session token.
     */
    async signUpGuest(
      roomId: string,
      displayName: string,
      address: string,
    ): Promise<SignedIn> {
      const { room, settings } = await requirePublished(roomId);
      if (!settings.allowGuests) {
        throw forbidden("guests_not_allowed", "This room does not take guests");
      }
      rooms.requireOpen(room);
      // Counted once the room would take them: the limit is on accounts made.
      await repos.limits.hit(LIMITS.guestSignUp, address);
      const user = await createGuestUser(repos.users, displayName);
      await admit(user, room);
      const { token, expiresAt } = await repos.sessions.createSession(user.id);
      return { user: toUserView(user), token, expiresAt };
    },

    /**
     * Lets a signed-in person into the embedded room: a guest of a room that takes guests, or
     * anyone when it is a venue screen, becomes (or stays) a member with a fresh lease; anyone
     * else reads by a peek as long as a location lease, and posts only as a member who joined
     * by location.
     */
    async enter(user: User, roomId: string): Promise<EmbedAccess> {
      const { room, settings } = await requirePublished(roomId);
      await repos.limits.hit(LIMITS.act, user.id);
      const now = store.clock.now();
      const free = settings.venueScreen ||
        (user.guest === true && settings.allowGuests);
      if (free && !hasEnded(room, now)) {
        await admit(user, room);
        return "member";
      }
      if (await repos.members.getMember(roomId, user.id)) return "member";
      await repos.peeks.grant(roomId, user.id, now + rooms.leaseMs);
      return "reader";
    },

    /**
     * A published room's messages as anyone (or the signed-in user) may read them: the newest,
     * or the first after a seq (how a reader who has not signed in keeps up).
     */
    async history(
      user: User | null,
      roomId: string,
      opts: { limit: number; after?: number },
    ): Promise<{ items: MessageView[]; head: RoomHeadView }> {
      await requirePublished(roomId);
      // The head first: the page reflects at least it, and later events re-apply safely.
      const head = await repos.messages.getRoomHead(roomId);
      if (!head) throw notFound("Room");
      const page = opts.after !== undefined && opts.after >= head.seq
        ? { items: [] }
        : await repos.messages.listMessages(roomId, opts);
      return {
        items: page.items.filter((m) => visibleTo(m, user?.id ?? ""))
          .map(toMessageView),
        head: { seq: head.seq, epoch: epochOf(head) },
      };
    },
  };
}

/** The embed service's type. */
export type EmbedService = ReturnType<typeof createEmbedService>;

const built = new WeakMap<Services, EmbedService>();

/** The embed service over a services bundle, built once per bundle (one per isolate). */
export function embedsOf(services: Services): EmbedService {
  let found = built.get(services);
  if (!found) {
    found = createEmbedService(services);
    built.set(services, found);
  }
  return found;
}
