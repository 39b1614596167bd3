import * as z from "zod";
import {
  AuditEntryViewSchema,
  ModerationReportViewSchema,
  MyReportViewSchema,
  type ReportReason,
  type ReportStatus,
} from "../lib/shared/moderation_schemas.ts";
import { UlidSchema } from "../lib/shared/schemas.ts";
import { apiJson, type ApiResult } from "./api_client.ts";

const Anything = z.unknown();
const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), cursor: UlidSchema.nullable() });

/** A member's standing in a room as GET /rooms/{id}/members lists it. */
export const MemberStandingSchema = z.object({
  id: UlidSchema,
  mutedUntil: z.string().nullable(),
  held: z.boolean(),
});
export type MemberStanding = z.infer<typeof MemberStandingSchema>;

/** One current ban of a room (GET /rooms/{id}/bans). */
export const RoomBanSchema = z.object({
  userId: UlidSchema,
  handle: z.string(),
  displayName: z.string(),
  by: UlidSchema,
  reason: z.string(),
  at: z.string(),
  until: z.string().nullable(),
});
export type RoomBan = z.infer<typeof RoomBanSchema>;

/** A room's raid shield (GET /rooms/{id}/shield). */
export const ShieldSchema = z.object({
  up: z.boolean(),
  until: z.string().nullable(),
  held: z.array(UlidSchema),
});
export type Shield = z.infer<typeof ShieldSchema>;

/** An account's standing as site moderators see it (GET /admin/users/{id}). */
export const AccountStandingSchema = z.object({
  id: UlidSchema,
  handle: z.string(),
  displayName: z.string(),
  siteRole: z.enum(["admin", "moderator"]).nullable(),
  banned: z.boolean(),
  shadowBanned: z.boolean(),
});
export type AccountStanding = z.infer<typeof AccountStandingSchema>;

const ReportPageSchema = pageOf(ModerationReportViewSchema);
const AuditPageSchema = pageOf(AuditEntryViewSchema);

/** A page of the moderation queue. */
export type ReportPage = z.infer<typeof ReportPageSchema>;
/** A page of the audit log. */
export type AuditPage = z.infer<typeof AuditPageSchema>;

/** What someone writes when they report a message or a person. */
export type ReportInput = { reason: ReportReason; note: string };

/** Whether a report was new (201) or the reporter's open one, unchanged (200). */
export type Filed = { created: boolean };

async function filed(
  call: Promise<ApiResult<unknown>>,
): Promise<ApiResult<Filed>> {
  const r = await call;
  return r.ok ? { ...r, data: { created: r.status === 201 } } : r;
}

const body = (input: ReportInput) => ({
  reason: input.reason,
  ...(input.note.trim() ? { note: input.note.trim() } : {}),
});

/** Reports a message of a room the viewer is in. */
export function reportMessage(
  roomId: string,
  seq: number,
  input: ReportInput,
): Promise<ApiResult<Filed>> {
  return filed(
    apiJson(`/rooms/${roomId}/messages/${seq}/report`, MyReportViewSchema, {
      body: body(input),
    }),
  );
}

/** Reports a person, naming the room it happened in. */
export function reportUser(
  userId: string,
  roomId: string | null,
  input: ReportInput,
): Promise<ApiResult<Filed>> {
  return filed(
    apiJson(`/users/${userId}/report`, MyReportViewSchema, {
      body: { ...body(input), ...(roomId ? { roomId } : {}) },
    }),
  );
}

/** A page of the queue: every room's for site staff, or one room's for its admins. */
export function listReports(
  q: { status: ReportStatus; room?: string; cursor?: string | null },
): Promise<ApiResult<ReportPage>> {
  const p = new URLSearchParams({ status: q.status, limit: "50" });
  if (q.room) p.set("room", q.room);
  if (q.cursor) p.set("cursor", q.cursor);
  return apiJson(`/moderation/reports?${p}`, ReportPageSchema);
}

/** Resolves or dismisses an open report. */
export function closeReport(
  id: string,
  verb: "resolve" | "dismiss",
): Promise<ApiResult<unknown>> {
  return apiJson(`/moderation/reports/${id}/${verb}`, Anything, { body: {} });
}

/** A page of the audit log, newest first (site staff). */
export function listAudit(cursor?: string | null) {
  const p = new URLSearchParams({ limit: "50" });
  if (cursor) p.set("cursor", cursor);
  return apiJson(`/moderation/audit?${p}`, AuditPageSchema);
}

/** The moderation calls of one room (its owners and admins). */
export function roomModerationApi(roomId: string) {
  const base = `/rooms/${roomId}`;
  const member = (userId: string) => `${base}/members/${userId}`;
  return {
    /** Who is muted and who the raid shield holds, from the member list. */
    async standing(): Promise<ApiResult<MemberStanding[]>> {
      const r = await apiJson(
        `${base}/members?limit=200`,
        z.object({ items: z.array(MemberStandingSchema) }),
      );
      return r.ok ? { ...r, data: r.data.items } : r;
    },
    mute: (userId: string, minutes: number) =>
      apiJson(`${member(userId)}/mute`, Anything, { body: { minutes } }),
    unmute: (userId: string) =>
      apiJson(`${member(userId)}/mute`, Anything, { method: "DELETE" }),
    kick: (userId: string) =>
      apiJson(`${member(userId)}/kick`, Anything, { body: {} }),
    ban: (userId: string, days: number | null) =>
      apiJson(`${base}/bans/${userId}`, Anything, {
        method: "PUT",
        body: days ? { days } : {},
      }),
    unban: (userId: string) =>
      apiJson(`${base}/bans/${userId}`, Anything, { method: "DELETE" }),
    async bans(): Promise<ApiResult<RoomBan[]>> {
      const r = await apiJson(
        `${base}/bans`,
        z.object({ items: z.array(RoomBanSchema) }),
      );
      return r.ok ? { ...r, data: r.data.items } : r;
    },
    admit: (userId: string) =>
      apiJson(`${member(userId)}/admit`, Anything, { method: "POST" }),
    shield: () => apiJson(`${base}/shield`, ShieldSchema),
    lowerShield: () =>
      apiJson(`${base}/shield`, Anything, { method: "DELETE" }),
    slowMode: (seconds: number) =>
      apiJson(`${base}/slow-mode`, Anything, {
        method: "PUT",
        body: { seconds },
      }),
  };
}

/** The bound moderation calls of one room. */
export type RoomModerationApi = ReturnType<typeof roomModerationApi>;

/** Site staff's account calls: standing, bans, shadow bans and site roles. */
export const accountApi = {
  standing: (id: string) =>
    apiJson(`/admin/users/${id}`, AccountStandingSchema),
  ban: (id: string, on: boolean, reason: string) =>
    apiJson(`/admin/users/${id}/ban`, Anything, {
      method: on ? "PUT" : "DELETE",
      body: on ? { reason } : undefined,
    }),
  shadowBan: (id: string, on: boolean, reason: string) =>
    apiJson(`/admin/users/${id}/shadow-ban`, Anything, {
      method: on ? "PUT" : "DELETE",
      body: on ? { reason } : undefined,
    }),
  setRole: (id: string, role: "admin" | "moderator" | "none") =>
    apiJson(`/admin/users/${id}/role`, Anything, {
      method: "PUT",
      body: { role },
    }),
};
