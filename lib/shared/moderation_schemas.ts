import * as z from "zod";
import { TimestampSchema, UlidSchema } from "./schemas.ts";

/** Why someone reports a message or a user. */
export const ReportReasonSchema = z.enum([
  "spam",
  "harassment",
  "hate",
  "sexual",
  "violence",
  "self_harm",
  "other",
]);
export type ReportReason = z.infer<typeof ReportReasonSchema>;

/** Where a report is in the moderation queue. */
export const ReportStatusSchema = z.enum(["open", "resolved", "dismissed"]);
export type ReportStatus = z.infer<typeof ReportStatusSchema>;

/** The automatic rules that can flag a message or user. */
export const FlagRuleSchema = z.enum([
  "words",
  "links",
  "repeated_link",
  "flood",
  "many_reports",
]);
export type FlagRule = z.infer<typeof FlagRuleSchema>;

/** Characters a report's or a moderator's note may hold. */
export const REPORT_NOTE_MAX = 500;

/** An optional free-text note: trimmed, capped; empty means none. */
const NoteSchema = z.string().trim().max(REPORT_NOTE_MAX);

/** Body of POST /rooms/{id}/messages/{seq}/report. */
export const ReportMessageInputSchema = z.object({
  reason: ReportReasonSchema,
  note: NoteSchema.optional(),
});
export type ReportMessageInput = z.infer<typeof ReportMessageInputSchema>;

/** Body of POST /users/{id}/report: the room it happened in is optional context. */
export const ReportUserInputSchema = ReportMessageInputSchema.extend({
  roomId: UlidSchema.optional(),
});
export type ReportUserInput = z.infer<typeof ReportUserInputSchema>;

/** Body of POST /moderation/reports/{id}/resolve and /dismiss. */
export const CloseReportInputSchema = z.object({ note: NoteSchema.optional() });
export type CloseReportInput = z.infer<typeof CloseReportInputSchema>;

/** What a report is about: a user, and for a message its room and seq. */
export const ReportTargetViewSchema = z.object({
  userId: UlidSchema,
  handle: z.string(),
  roomId: UlidSchema.nullable(),
  messageSeq: z.number().int().min(1).nullable(),
}).meta({
  id: "ReportTargetView",
  description:
    "What a report is about: a user, and for a message its room and seq",
});
export type ReportTargetView = z.infer<typeof ReportTargetViewSchema>;

/** A report as its reporter sees it: their own words and where it stands, nobody else's. */
export const MyReportViewSchema = z.object({
  id: UlidSchema,
  target: ReportTargetViewSchema,
  reason: ReportReasonSchema,
  note: z.string().nullable(),
  status: ReportStatusSchema,
  createdAt: TimestampSchema,
}).meta({
  id: "MyReportView",
  description:
    "A report as its reporter sees it: their own words and where it stands, nobody else's",
});
export type MyReportView = z.infer<typeof MyReportViewSchema>;

/** A report as the moderation queue lists it. */
export const ModerationReportViewSchema = z.object({
  id: UlidSchema,
  /** `user`: someone reported it; `auto`: the flag rules did. */
  source: z.enum(["user", "auto"]),
  /** Who reported it (null for the rules); handle is null once their account is deleted. */
  reporter: z.object({ id: UlidSchema, handle: z.string().nullable() })
    .nullable(),
  /** The reported user; displayName is null once their account is deleted. */
  targetUser: z.object({
    id: UlidSchema,
    handle: z.string(),
    displayName: z.string().nullable(),
  }),
  room: z.object({ id: UlidSchema, name: z.string().nullable() }).nullable(),
  messageSeq: z.number().int().nullable(),
  reason: ReportReasonSchema.nullable(),
  note: z.string().nullable(),
  /** The message's text when it was reported, whatever happened to it since. */
  snapshot: z.string().nullable(),
  status: ReportStatusSchema,
  rules: z.array(FlagRuleSchema),
  /** How many times the rules fired on this target while the report was open. */
  hits: z.number().int().min(0),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  closedBy: UlidSchema.nullable(),
  closedAt: TimestampSchema.nullable(),
  closeNote: z.string().nullable(),
}).meta({
  id: "ModerationReportView",
  description: "A report as the moderation queue lists it",
});
export type ModerationReportView = z.infer<typeof ModerationReportViewSchema>;

/** Query of GET /moderation/reports. */
export const ReportQueueQuerySchema = z.object({
  status: ReportStatusSchema.default("open"),
  room: UlidSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: UlidSchema.optional(),
});
export type ReportQueueQuery = z.infer<typeof ReportQueueQuerySchema>;

/** One audit log entry as the API lists it. */
export const AuditEntryViewSchema = z.object({
  id: UlidSchema,
  /** A user id, or "cli" for the operator's command line. */
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  reason: z.string().nullable(),
  details: z.record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean(), z.null()]),
  ).nullable(),
  at: TimestampSchema,
}).meta({
  id: "AuditEntryView",
  description: "One audit log entry as the API lists it",
});
export type AuditEntryView = z.infer<typeof AuditEntryViewSchema>;

/** Query of GET /moderation/audit. */
export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: UlidSchema.optional(),
});
