import type { AccountDeletions } from "../db/account_deletions.ts";
import { keys } from "../db/keys.ts";
import type { Prefs } from "../db/prefs.ts";
import type { Reports } from "../db/reports.ts";
import type { Message } from "../db/room_log.ts";
import type { Rooms } from "../db/rooms.ts";
import type { UserStreams } from "../db/user_stream.ts";
import { toUserView, type User } from "../db/users.ts";
import { isoOrNull } from "../shared/clock.ts";
import { roleOf } from "./rooms.ts";

/** Most entries one export lists per section; a larger account gets a note saying so. */
export const EXPORT_CAPS = {
  memberships: 1000,
  messages: 5000,
  reactions: 5000,
  notifications: 500,
  reports: 1000,
} as const;

/** Entries read per KV page while scanning for the user's own messages and reactions. */
const SCAN_PAGE = 500;

const iso = (ms: number) => new Date(ms).toISOString();

/** The user's data as one JSON document (GDPR art. 15 and 20): theirs only, nobody else's text. */
export function createAccountExport(deps: {
  deletions: AccountDeletions;
  rooms: Rooms;
  prefs: Prefs;
  streams: UserStreams;
  reports: Reports;
}) {
  const { deletions, rooms, prefs, streams, reports } = deps;

  /** Every entry under `prefix` that `pick` maps to something, up to `cap`. */
  async function collect<T, R>(
    prefix: Deno.KvKey,
    cap: number,
    pick: (e: Deno.KvEntry<T>) => R | null,
  ): Promise<{ items: R[]; capped: boolean }> {
    const items: R[] = [];
    let cursor: string | null = null;
    do {
      const page: { entries: Deno.KvEntry<T>[]; cursor: string | null } =
        await deletions.scanPage<T>(prefix, cursor, SCAN_PAGE);
      for (const e of page.entries) {
        const r = pick(e);
        if (r === null) continue;
        if (items.length >= cap) return { items, capped: true };
        items.push(r);
      }
      cursor = page.cursor;
    } while (cursor);
    return { items, capped: false };
  }

  async function memberships(userId: string) {
    const list = await deletions.listMembershipsByUser(
      userId,
      EXPORT_CAPS.memberships + 1,
    );
    const capped = list.length > EXPORT_CAPS.memberships;
    const items = await Promise.all(
      list.slice(0, EXPORT_CAPS.memberships).map(async (m) => {
        const room = await rooms.getRoom(m.roomId);
        return {
          roomId: m.roomId,
          roomName: room?.name ?? null,
          role: room ? roleOf(room, userId, m.membership) : m.membership.role,
          joinedAt: iso(m.membership.joinedAt),
        };
      }),
    );
    return { items, capped };
  }

  const myMessage = (userId: string) => ({ value: m }: Deno.KvEntry<Message>) =>
    m.author.id !== userId ? null : {
      roomId: m.roomId,
      seq: m.seq,
      text: m.text,
      category: m.category,
      threadRoot: m.threadRoot,
      createdAt: iso(m.createdAt),
      editedAt: isoOrNull(m.editedAt),
      deleted: m.deleted,
    };

  const myReaction =
    (userId: string) => ({ key, value }: Deno.KvEntry<number>) =>
      key[4] !== userId ? null : {
        roomId: key[1] as string,
        messageSeq: key[2] as number,
        emoji: key[3] as string,
        at: iso(value),
      };

  async function notifications(userId: string) {
    const page = await streams.listUserEvents(
      userId,
      EXPORT_CAPS.notifications,
    );
    // Who mentioned me is kept to id and handle; their message text is theirs, not mine.
    const items = page.items.flatMap((e) =>
      e.kind === "notification.new" ? [e] : []
    ).map((e) => ({
      seq: e.seq,
      kind: e.notification.kind,
      roomId: e.notification.roomId,
      messageSeq: e.notification.messageSeq,
      from: { id: e.notification.from.id, handle: e.notification.from.handle },
      at: iso(e.at),
    }));
    return { items, capped: page.cursor !== null };
  }

  /** Reports I made: my reason and note, and only the target's id and handle of theirs. */
  async function myReports(userId: string) {
    const list = await reports.listReportsByReporter(
      userId,
      EXPORT_CAPS.reports + 1,
    );
    const items = list.slice(0, EXPORT_CAPS.reports).map((r) => ({
      id: r.id,
      target: {
        userId: r.target.userId,
        handle: r.target.handle,
        roomId: r.target.roomId,
        messageSeq: r.target.messageSeq,
      },
      reason: r.reason,
      note: r.note,
      status: r.status,
      createdAt: iso(r.createdAt),
    }));
    return { items, capped: list.length > EXPORT_CAPS.reports };
  }

  return {
    /** Builds the export document for a user. */
    async exportData(user: User, now: number) {
      const [member, msgs, reacts, notes, myPrefs, mine] = await Promise.all([
        memberships(user.id),
        collect(
          keys.allMessagesPrefix(),
          EXPORT_CAPS.messages,
          myMessage(user.id),
        ),
        collect(
          keys.allReactionsPrefix(),
          EXPORT_CAPS.reactions,
          myReaction(user.id),
        ),
        notifications(user.id),
        prefs.getPrefs(user.id),
        myReports(user.id),
      ]);
      const sections = {
        memberships: member,
        messages: msgs,
        reactions: reacts,
        notifications: notes,
        reports: mine,
      };
      const truncated = Object.entries(sections).flatMap(([name, s]) =>
        s.capped ? [name] : []
      );
      return {
        format: "vicinity-export/1",
        exportedAt: iso(now),
        profile: toUserView(user),
        memberships: member.items,
        messages: msgs.items,
        reactions: reacts.items,
        prefs: myPrefs,
        notifications: notes.items,
        reports: mine.items,
        truncated,
        note: truncated.length
          ? `These sections hold only the first entries (caps: ${
            JSON.stringify(EXPORT_CAPS)
          }); ask the operator for the rest.`
          : null,
      };
    },
  };
}

/** The export service's type. */
export type AccountExport = ReturnType<typeof createAccountExport>;
