import * as z from "zod";
import {
  DisplayNameSchema,
  PasswordSchema,
  TimestampSchema,
} from "./schemas.ts";

/** Body of PATCH /me: a new display name. */
export const ChangeDisplayNameSchema = z.object({
  displayName: DisplayNameSchema,
});
export type ChangeDisplayName = z.infer<typeof ChangeDisplayNameSchema>;

/** Body of POST /me/password: the current password and the new one. */
export const ChangePasswordSchema = z.object({
  oldPassword: z.string().min(1).max(256),
  newPassword: PasswordSchema,
});
export type ChangePassword = z.infer<typeof ChangePasswordSchema>;

/** Body of POST /me/delete: the password, confirming the deletion. */
export const DeleteAccountSchema = z.object({
  password: z.string().min(1).max(256),
});
export type DeleteAccount = z.infer<typeof DeleteAccountSchema>;

/** A session's opaque id as listed to its owner: 16 hex characters. */
export const SessionIdSchema = z.string().regex(/^[0-9a-f]{16}$/);

/** One of my sessions; `current` marks the one making the request. */
export const MySessionViewSchema = z.object({
  id: SessionIdSchema,
  createdAt: TimestampSchema,
  expiresAt: TimestampSchema,
  current: z.boolean(),
}).meta({
  id: "SessionView",
  description: "One of my sessions; `current` marks the one making the request",
  example: {
    id: "3f9c0a12b4d6e8f0",
    createdAt: "2026-01-01T10:00:00.000Z",
    expiresAt: "2026-01-31T10:00:00.000Z",
    current: true,
  },
});
export type MySessionView = z.infer<typeof MySessionViewSchema>;
