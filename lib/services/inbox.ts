import { keys } from "../db/keys.ts";
import type { Membership } from "../db/members.ts";
import type { ReadMark, ReadMarks } from "../db/read_marks.ts";
import type { Message, RoomHead } from "../db/room_log.ts";
import type { DirectState, Room } from "../db/rooms.ts";
import { getManyBatched, type Store } from "../db/store.ts";
import { appendInboxChange } from "../db/user_stream.ts";
import type { User, Users } from "../db/users.ts";
import {
  type InboxItem,
  type InboxPage,
  PREVIEW_CHARS,
  type UnreadTotal,
} from "../shared/inbox_schemas.ts";
import { notFound, validation } from "../shared/errors.ts";
import { isoOrNull } from "../shared/clock.ts";
import { LIMITS } from "./limits.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import { kindOf } from "./policy.ts";
import { roleOf } from "./rooms.ts";

/** Rooms an inbox reads at most: far more than anyone keeps joined. */
export const MAX_INBOX_ROOMS = 2_000;

/** One of my rooms with what its counts are made of, read in one pass. */
type Row = {
  room: Room;
  membership: Membership;
  head: RoomHead;
  mark: ReadMark | null;
  hiddenAt: number | null;
  state: DirectState | null;
};

/** Messages after my mark: the head's count minus the count my mark recorded. */
const unreadOf = (r: Row) =>
  Math.max(0, (r.head.messageCount ?? 0) - (r.mark?.n ?? 0));

/** Deleted for me and nothing new since. */
const hidden = (r: Row) =>
  r.hiddenAt !== null && (r.head.messageCount ?? 0) <= r.hiddenAt;

const requestOf = (r: Row, userId: string) =>
  r.state && r.state.state !== "accepted"
    ? r.state.requester === userId ? "outgoing" : "incoming"
    : null;

const activityOf = (r: Row) => r.head.lastMessageAt ?? r.membership.joinedAt;

/** Newest activity first; ids break ties so cursors are stable. */
const order = (a: Row, b: Row) =>
  activityOf(b) - activityOf(a) || (a.room.id < b.room.id ? 1 : -1);

const cursorOf = (r: Row) => `${activityOf(r)}_${r.room.id}`;

/** My rooms and conversations: what is unread, what was said last, and marking them read. */
export function createInboxService(deps: {
  store: Store;
  users: Users;
  readMarks: ReadMarks;
  limits: RateLimits;
}) {
  const { store, users, readMarks, limits } = deps;
  const { kv, clock } = store;

  /** Every room the user belongs to, with heads, marks and states (one batched read). */
  async function rows(userId: string, only?: string): Promise<Row[]> {
    const memberships: { roomId: string; m: Membership }[] = [];
    if (only) {
      const e = await kv.get<Membership>(keys.roomByMember(userId, only));
      if (e.value) memberships.push({ roomId: only, m: e.value });
    } else {
      for await (
        const e of kv.list<Membership>(
          { prefix: keys.roomsByMemberPrefix(userId) },
          { limit: MAX_INBOX_ROOMS },
        )
      ) memberships.push({ roomId: e.key[2] as string, m: e.value });
    }
    const per = 5;
    const entries = await getManyBatched<unknown>(
      kv,
      memberships.flatMap(({ roomId }) => [
        keys.room(roomId),
        keys.roomHead(roomId),
        keys.readMark(roomId, userId),
        keys.inboxHidden(userId, roomId),
        keys.directState(roomId),
      ]),
    );
    const now = clock.now();
    return memberships.flatMap(({ m }, i): Row[] => {
      const [room, head, mark, hiddenAt, state] = entries
        .slice(i * per, i * per + per).map((e) => e.value);
      const r = room as Room | null;
      if (!r || !head || (r.expiresAt !== null && r.expiresAt <= now)) {
        return [];
      }
      return [{
        room: r,
        membership: m,
        head: head as RoomHead,
        mark: mark as ReadMark | null,
        hiddenAt: hiddenAt as number | null,
        state: state as DirectState | null,
      }];
    });
  }

  /** Rows as items: previews, peers and counts. */
  async function toItems(userId: string, list: Row[]): Promise<InboxItem[]> {
    const lasts = await getManyBatched<Message>(
      kv,
      list.map((r) => keys.message(r.room.id, r.head.lastMessageSeq ?? 0)),
    );
    const peerIds = list.map((r) =>
      "pair" in r.room && r.room.pair
        ? r.room.pair[0] === userId ? r.room.pair[1] : r.room.pair[0]
        : null
    );
    const peers = await users.getUsers(peerIds.map((id) => id ?? ""));
    const counts = await getManyBatched<number>(
      kv,
      list.map((r) => keys.roomMemberCount(r.room.id)),
    );
    return list.map((r, i): InboxItem => {
      const last = lasts[i].value;
      const peer = peerIds[i]
        ? peers[i]
          ? {
            id: peers[i]!.id,
            handle: peers[i]!.handle,
            displayName: peers[i]!.displayName,
          }
          : { id: peerIds[i]!, handle: "", displayName: "Deleted user" }
        : null;
      return {
        roomId: r.room.id,
        kind: kindOf(r.room),
        title: peer ? peer.displayName : r.room.name,
        peer,
        role: roleOf(r.room, userId, r.membership),
        memberCount: counts[i].value ?? 0,
        unread: unreadOf(r),
        seq: r.head.seq,
        lastMessageAt: isoOrNull(r.head.lastMessageAt),
        activityAt: new Date(activityOf(r)).toISOString(),
        preview: last
          ? {
            seq: last.seq,
            author: last.author,
            text: last.deleted ? "" : last.text.slice(0, PREVIEW_CHARS),
            deleted: last.deleted,
          }
          : null,
        request: requestOf(r, userId),
      };
    });
  }

  async function requireRow(user: User, roomId: string): Promise<Row> {
    const [row] = await rows(user.id, roomId);
    if (!row) throw notFound("Conversation");
    return row;
  }

  return {
    /** A page of my rooms and conversations, most recent first. */
    async list(
      user: User,
      opts: { limit: number; cursor?: string; filter: "all" | "conversations" },
    ): Promise<InboxPage> {
      let all = (await rows(user.id)).filter((r) => !hidden(r));
      if (opts.filter === "conversations") {
        all = all.filter((r) => kindOf(r.room) !== "proximity");
      }
      all.sort(order);
      let start = 0;
      if (opts.cursor) {
        const m = /^(\d+)_([0-9A-Z]{26})$/.exec(opts.cursor);
        if (!m) throw validation("Bad cursor", { field: "cursor" });
        const at = Number(m[1]);
        start = all.findIndex((r) =>
          activityOf(r) < at || (activityOf(r) === at && r.room.id < m[2])
        );
        if (start < 0) start = all.length;
      }
      const page = all.slice(start, start + opts.limit);
      const more = start + opts.limit < all.length;
      return {
        items: await toItems(user.id, page),
        cursor: more && page.length ? cursorOf(page.at(-1)!) : null,
      };
    },

    /**
     * One of my conversations as the inbox shows it; 404 if I am not in it, or (unless
     * `includeHidden`, for the conversation's own page) if I deleted it for myself.
     */
    async item(
      user: User,
      roomId: string,
      opts: { includeHidden?: boolean } = {},
    ): Promise<InboxItem> {
      const row = await requireRow(user, roomId);
      if (hidden(row) && !opts.includeHidden) throw notFound("Conversation");
      return (await toItems(user.id, [row]))[0];
    },

    /** My total unread: requests waiting for an answer and deleted conversations aside. */
    async unread(user: User): Promise<UnreadTotal> {
      const all = (await rows(user.id)).filter((r) => !hidden(r));
      let total = 0, rooms = 0, requests = 0;
      for (const r of all) {
        if (requestOf(r, user.id) === "incoming") {
          requests++;
          continue;
        }
        const n = unreadOf(r);
        total += n;
        if (n > 0) rooms++;
      }
      return { total, rooms, requests };
    },

    /** Marks one conversation read up to its head. */
    async markRead(user: User, roomId: string): Promise<void> {
      await requireRow(user, roomId);
      await limits.hit(LIMITS.read, user.id);
      await readMarks.setReadMark(roomId, user.id, Number.MAX_SAFE_INTEGER);
    },

    /** Marks everything read; answers how many conversations moved. */
    async markAllRead(user: User): Promise<number> {
      await limits.hit(LIMITS.act, user.id);
      const unread = (await rows(user.id)).filter((r) => unreadOf(r) > 0);
      let moved = 0;
      for (const r of unread) {
        if (
          await readMarks.setReadMark(
            r.room.id,
            user.id,
            Number.MAX_SAFE_INTEGER,
          )
        ) moved++;
      }
      return moved;
    },

    /**
     * Deletes a conversation for me: it leaves my inbox (read up to now) and comes back when
     * a new message arrives. The other side keeps it.
     */
    async hide(user: User, roomId: string): Promise<void> {
      const row = await requireRow(user, roomId);
      await limits.hit(LIMITS.act, user.id);
      await readMarks.setReadMark(roomId, user.id, Number.MAX_SAFE_INTEGER);
      await kv.set(
        keys.inboxHidden(user.id, roomId),
        row.head.messageCount ?? 0,
      );
      await appendInboxChange(store, user.id, { roomId, why: "hidden" });
    },
  };
}

/** The inbox service's type. */
export type InboxService = ReturnType<typeof createInboxService>;
