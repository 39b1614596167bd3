import { keys } from "./keys.ts";
import { retryCommit, type Store } from "./store.ts";

/** A room's embed settings as stored (`["room_embeds", roomId]`). */
export type EmbedSettings = {
  /** Normalised origins allowed to frame the room and open sockets into it. */
  origins: string[];
  /** Visitors may post after choosing a name (a guest account). */
  allowGuests: boolean;
  /** Signed-in people in the embed post without the radius check. */
  venueScreen: boolean;
  updatedAt: number;
  /** Who last changed them. */
  updatedBy: string;
};

/** The settings a change sets; the time and author are added here. */
export type EmbedChange = Pick<
  EmbedSettings,
  "origins" | "allowGuests" | "venueScreen"
>;

/** Embed settings and the origin index that the WebSocket origin check reads. */
export function createEmbeds({ kv, clock }: Store) {
  return {
    /** A room's settings, or null when they were never set. */
    async getEmbed(roomId: string): Promise<EmbedSettings | null> {
      return (await kv.get<EmbedSettings>(keys.roomEmbed(roomId))).value;
    },

    /**
     * Replaces a room's settings and moves its origin index entries along with them, in one
     * checked commit.
     */
    setEmbed(
      roomId: string,
      change: EmbedChange,
      by: string,
    ): Promise<EmbedSettings> {
      return retryCommit("embeds", async () => {
        const entry = await kv.get<EmbedSettings>(keys.roomEmbed(roomId));
        const next: EmbedSettings = {
          ...change,
          updatedAt: clock.now(),
          updatedBy: by,
        };
        const op = kv.atomic().check(entry).set(keys.roomEmbed(roomId), next);
        for (const origin of entry.value?.origins ?? []) {
          if (!change.origins.includes(origin)) {
            op.delete(keys.embedOriginRoom(origin, roomId));
          }
        }
        for (const origin of change.origins) {
          op.set(keys.embedOriginRoom(origin, roomId), true);
        }
        return (await op.commit()).ok ? next : null;
      });
    },

    /** Whether a room lists `origin` (one read: the socket asks it per room frame). */
    async listsOrigin(roomId: string, origin: string): Promise<boolean> {
      const e = await kv.get(keys.embedOriginRoom(origin, roomId));
      return e.value !== null;
    },

    /** Whether any room lists `origin`, so a socket from it may open at all. */
    async isEmbedOrigin(origin: string): Promise<boolean> {
      const it = kv.list({ prefix: keys.embedOriginRoomsPrefix(origin) }, {
        limit: 1,
      });
      for await (const _ of it) return true;
      return false;
    },
  };
}

/** The embeds repository's type. */
export type Embeds = ReturnType<typeof createEmbeds>;
