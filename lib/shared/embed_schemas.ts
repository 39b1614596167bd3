import * as z from "zod";
import {
  DisplayNameSchema,
  HandleSchema,
  MessageViewSchema,
  PasswordSchema,
  RoomHeadViewSchema,
  UlidSchema,
} from "./schemas.ts";

/** Sites one room may list as allowed to embed it. */
export const MAX_EMBED_ORIGINS = 20;

/** Hosts a plain-http origin may name: only this machine, for development. */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A DNS name (or dotted IPv4) as URL parsing leaves it: lower-case labels, no wildcards. */
const HOST =
  /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Scheme and authority, optionally one trailing slash, and nothing else. */
const ORIGIN_TEXT = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\\\s]+\/?$/i;

/**
 * The origin a text names, normalised as browsers send it (lower case, default port
 * dropped), or null unless it is exactly an https origin, or http on localhost or
 * 127.0.0.1. No path, query, credentials or wildcard: it goes into a CSP header as is.
 */
export function parseEmbedOrigin(text: string): string | null {
  if (!ORIGIN_TEXT.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  const host = url.hostname;
  if (url.protocol === "https:") {
    if (!HOST.test(host) && !LOOPBACK.has(host)) return null;
  } else if (url.protocol !== "http:" || !LOOPBACK.has(host)) return null;
  return url.origin;
}

/** One site allowed to embed a room, e.g. `https://venue.example`. */
export const EmbedOriginSchema = z.string().trim().max(300).refine(
  (s) => parseEmbedOrigin(s) !== null,
  "must be an https origin (or http://localhost, http://127.0.0.1), with no path",
);

/** Body of PUT /rooms/:id/embed-origins; a flag left out keeps its current value. */
export const EmbedSettingsInputSchema = z.object({
  origins: z.array(EmbedOriginSchema).max(MAX_EMBED_ORIGINS),
  /** Visitors of the embed may post after choosing a name (a guest account). */
  allowGuests: z.boolean().optional(),
  /** Signed-in people in the embed post without the radius check (a venue's screen). */
  venueScreen: z.boolean().optional(),
});
export type EmbedSettingsInput = z.infer<typeof EmbedSettingsInputSchema>;

/** A room's embed settings as its owners and admins see them. */
export const EmbedSettingsViewSchema = z.object({
  origins: z.array(z.string()),
  allowGuests: z.boolean(),
  venueScreen: z.boolean(),
});
export type EmbedSettingsView = z.infer<typeof EmbedSettingsViewSchema>;

/** Body of POST /rooms/:id/guests: the name a visitor posts under. */
export const GuestSignUpInputSchema = z.object({
  displayName: DisplayNameSchema,
});

/** Body of POST /auth/claim: the handle and password a guest keeps their account with. */
export const ClaimInputSchema = z.object({
  handle: HandleSchema.refine(
    (h) => !/^guest_/i.test(h),
    "must not start with guest_",
  ),
  password: PasswordSchema,
});
export type ClaimInput = z.infer<typeof ClaimInputSchema>;

/**
 * What POST /rooms/:id/embed-join gave the caller: membership (they may post) or reading
 * only (a peek, lasting as long as a location lease).
 */
export const EmbedAccessSchema = z.object({
  access: z.enum(["member", "reader"]),
});
export type EmbedAccess = z.infer<typeof EmbedAccessSchema>["access"];

/** How the embed is drawn: the widget's data-theme ("auto" follows the system). */
export const EmbedThemeSchema = z.enum(["auto", "light", "dark"]);
export type EmbedTheme = z.infer<typeof EmbedThemeSchema>;

/** The signed-in person an embed starts with (from a cookie, where the browser sends one). */
export const EmbedUserSchema = z.object({
  id: UlidSchema,
  handle: z.string(),
  displayName: z.string(),
  guest: z.literal(true).optional(),
});
export type EmbedUser = z.infer<typeof EmbedUserSchema>;

/** Props of the Embed island: the room, its history, the embed settings and the viewer. */
export const EmbedPropsSchema = z.object({
  roomId: UlidSchema,
  roomName: z.string(),
  theme: EmbedThemeSchema,
  /** The sites allowed to frame this room; messages from the parent must come from one. */
  origins: z.array(z.string()).max(MAX_EMBED_ORIGINS),
  /** The embedding page's origin as the widget named it, when the room lists it. */
  parentOrigin: z.string().nullable(),
  allowGuests: z.boolean(),
  venueScreen: z.boolean(),
  me: EmbedUserSchema.nullable(),
  history: z.object({
    items: z.array(MessageViewSchema).max(200),
    head: RoomHeadViewSchema,
  }),
});
export type EmbedProps = z.infer<typeof EmbedPropsSchema>;

/** Messages the embed renders on the server before the socket takes over. */
export const EMBED_HISTORY_LIMIT = 50;

/** Messages between the embed frame and the widget (postMessage), by `type`. */
export const EMBED_MESSAGE = {
  /** Frame → widget: `{type, height}`, the height in CSS pixels the content wants. */
  resize: "vicinity:resize",
  /** Widget → frame: `{type, open}`, whether the launcher's panel is showing. */
  shown: "vicinity:shown",
} as const;
