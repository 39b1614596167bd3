import type { AuditEntry, AuditLog } from "../db/audit.ts";
import type { Messages } from "../db/messages.ts";
import type { RateLimits } from "../db/rate_limits.ts";
import type { Report, Reports, ReportTarget } from "../db/reports.ts";
import type { Rooms } from "../db/rooms.ts";
import type { User, Users } from "../db/users.ts";
import { isoOrNull } from "../shared/clock.ts";
import { forbidden, notFound, unprocessable } from "../shared/errors.ts";
import type {
  AuditEntryView,
  ModerationReportView,
  MyReportView,
  ReportMessageInput,
  ReportQueueQuery,
  ReportUserInput,
} from "../shared/moderation_schemas.ts";
import type { Page } from "../shared/schemas.ts";
import { LIMITS } from "./limits.ts";
import { can, kindOf } from "./policy.ts";
import type { RoomService } from "./rooms.ts";

/** Whether a user moderates the whole site (granted by an operator). */
export const isSiteStaff = (u: User): boolean =>
  u.siteRole === "admin" || u.siteRole === "moderator";

const iso = (ms: number) => new Date(ms).toISOString();
const noteOf = (note: string | undefined) => note?.trim() || null;

/** A report as its reporter sees it. */
export function toMyReportView(r: Report): MyReportView {
  return {
    id: r.id,
    target: { ...r.target },
    reason: r.reason ?? "other",
    note: r.note,
    status: r.status,
    createdAt: iso(r.createdAt),
  };
}

/** An audit entry as the API lists it. */
export const toAuditEntryView = (e: AuditEntry): AuditEntryView => ({
  id: e.id,
  actor: e.actor,
  action: e.action,
  target: e.target,
  reason: e.reason ?? null,
  details: e.details ?? null,
  at: iso(e.at),
});

/** Reports by people, the moderation queue, closing reports, and reading the audit log. */
export function createReportService(deps: {
  reports: Reports;
  rooms: RoomService;
  roomRepo: Rooms;
  messages: Messages;
  users: Users;
  limits: RateLimits;
  audit: AuditLog;
}) {
  const { reports, rooms, roomRepo, messages, users, limits, audit } = deps;

  /** Whether `user` may see and close reports of `roomId`: site staff, or its owners and admins. */
  async function moderates(user: User, roomId: string | null) {
    if (isSiteStaff(user)) return true;
    if (!roomId) return false;
    const [room, role] = await Promise.all([
      roomRepo.getRoom(roomId),
      rooms.getRole(user, roomId),
    ]);
    return !!room && !!role && can(kindOf(room), role, "moderate");
  }

  async function toViews(list: Report[]): Promise<ModerationReportView[]> {
    const ids = new Set(list.map((r) => r.target.userId));
    for (const r of list) if (r.reporterId) ids.add(r.reporterId);
    const found = await users.getUsers([...ids]);
    const people = new Map(found.flatMap((u) => u ? [[u.id, u]] : []));
    const roomIds = [...new Set(list.flatMap((r) => r.target.roomId ?? []))];
    const names = new Map(
      await Promise.all(
        roomIds.map(async (id) =>
          [id, (await roomRepo.getRoom(id))?.name ?? null] as const
        ),
      ),
    );
    return list.map((r) => {
      const reporter = r.reporterId ? people.get(r.reporterId) : undefined;
      const target = people.get(r.target.userId);
      return {
        id: r.id,
        source: r.source,
        reporter: r.reporterId
          ? { id: r.reporterId, handle: reporter?.handle ?? null }
          : null,
        targetUser: {
          id: r.target.userId,
          handle: r.target.handle,
          displayName: target?.displayName ?? null,
        },
        room: r.target.roomId
          ? { id: r.target.roomId, name: names.get(r.target.roomId) ?? null }
          : null,
        messageSeq: r.target.messageSeq,
        reason: r.reason,
        note: r.note,
        snapshot: r.snapshot,
        status: r.status,
        rules: r.rules,
        hits: r.hits,
        createdAt: iso(r.createdAt),
        updatedAt: iso(r.updatedAt),
        closedBy: r.closedBy,
        closedAt: isoOrNull(r.closedAt),
        closeNote: r.closeNote,
      };
    });
  }

  async function file(
    user: User,
    target: ReportTarget,
    input: ReportMessageInput,
    snapshot: string | null,
  ) {
    await limits.hit(LIMITS.report, user.id);
    const { report, created } = await reports.fileReport({
      reporterId: user.id,
      target,
      reason: input.reason,
      note: noteOf(input.note),
      snapshot,
    });
    return { report: toMyReportView(report), created };
  }

  /** Closes a report the user may see; anyone else gets 404, as if it did not exist. */
  async function close(
    user: User,
    id: string,
    status: "resolved" | "dismissed",
    note?: string,
  ) {
    const found = await reports.getReport(id);
    if (!found || !(await moderates(user, found.target.roomId))) {
      throw notFound("Report");
    }
    const reason = noteOf(note);
    const { report } = await reports.closeReport(
      id,
      { status, by: user.id, note: reason },
      {
        actor: user.id,
        action: status === "resolved" ? "report.resolve" : "report.dismiss",
        target: `report:${id}`,
        ...(reason ? { reason } : {}),
        details: {
          targetUser: found.target.userId,
          room: found.target.roomId,
          messageSeq: found.target.messageSeq,
          source: found.source,
        },
      },
    );
    return (await toViews([report]))[0];
  }

  return {
    /**
     * Reports a message of a room the user is in (404 for a private room they are not in);
     * its text is kept as it is now. A repeat answers the open report (created=false).
     */
    async reportMessage(
      user: User,
      roomId: string,
      seq: number,
      input: ReportMessageInput,
    ) {
      await rooms.requireMember(user, roomId);
      const m = await messages.getMessage(roomId, seq);
      if (!m || m.deleted) throw notFound("Message");
      if (m.author.id === user.id) {
        throw unprocessable(
          "self_report",
          "You cannot report your own message",
        );
      }
      const target = {
        userId: m.author.id,
        handle: m.author.handle,
        roomId,
        messageSeq: seq,
      };
      return file(user, target, input, m.text);
    },

    /** Reports a user, optionally in a room the reporter is in; never oneself (422). */
    async reportUser(user: User, targetId: string, input: ReportUserInput) {
      if (targetId === user.id) {
        throw unprocessable("self_report", "You cannot report yourself");
      }
      const target = await users.getUser(targetId);
      if (!target) throw notFound("User");
      if (input.roomId) await rooms.requireMember(user, input.roomId);
      return file(
        user,
        {
          userId: target.id,
          handle: target.handle,
          roomId: input.roomId ?? null,
          messageSeq: null,
        },
        input,
        null,
      );
    },

    /**
     * The moderation queue, newest first: site staff see every report; a room's owners and
     * admins see that room's (`room` required); anyone else gets 403 `not_allowed`.
     */
    async listQueue(
      user: User,
      q: ReportQueueQuery,
    ): Promise<Page<ModerationReportView>> {
      if (!isSiteStaff(user)) {
        if (!q.room) {
          throw forbidden(
            "not_allowed",
            "Only moderators see reports; name a room you moderate",
          );
        }
        const { room, role } = await rooms.requireMember(user, q.room);
        if (!can(kindOf(room), role, "moderate")) {
          throw forbidden(
            "not_allowed",
            "Only the room's owners and admins see its reports",
          );
        }
      }
      const page = await reports.listReports({
        status: q.status,
        roomId: q.room,
        limit: q.limit,
        before: q.cursor,
      });
      return { items: await toViews(page.items), cursor: page.cursor };
    },

    /** Marks an open report resolved (once; 409 `already_closed` after) with an audit entry. */
    resolve: (user: User, id: string, note?: string) =>
      close(user, id, "resolved", note),

    /** Marks an open report dismissed (once; 409 `already_closed` after) with an audit entry. */
    dismiss: (user: User, id: string, note?: string) =>
      close(user, id, "dismissed", note),

    /** The audit log, newest first, for site admins and moderators (403 `not_allowed` else). */
    async listAudit(
      user: User,
      limit: number,
      cursor?: string,
    ): Promise<Page<AuditEntryView>> {
      if (!isSiteStaff(user)) {
        throw forbidden(
          "not_allowed",
          "Only site admins and moderators read the audit log",
        );
      }
      const page = await audit.list(limit, cursor);
      return { items: page.items.map(toAuditEntryView), cursor: page.cursor };
    },
  };
}

/** The report service's type. */
export type ReportService = ReturnType<typeof createReportService>;
