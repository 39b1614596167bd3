import * as z from "zod";
import {
  LatSchema,
  LngSchema,
  TimestampSchema,
  UlidSchema,
} from "./schemas.ts";

/** Control, format (bidi, zero-width) and separator characters, which hide or reorder text. */
const INVISIBLE_CHARS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** Visible text: NFC, free of invisible characters, trimmed, `min`–`max` characters. */
const visibleText = (min: number, max: number) =>
  z.string()
    .normalize("NFC")
    .refine((s) => !INVISIBLE_CHARS.test(s), {
      message: "must not contain invisible, bidi or control characters",
      abort: true,
    })
    .trim()
    .min(min)
    .max(max);

/** Least accuracy (68% radius, metres) a fix may have to make someone visible. */
export const VISIBILITY_MAX_ACCURACY_M = 500;

/** How long a visibility lasts, in minutes. */
export const VISIBILITY_MINUTES = { min: 5, max: 240, default: 60 } as const;

/** Largest radius a people search may ask for, in metres. */
export const PEOPLE_SEARCH_MAX_M = 10_000;

/** Body of PUT /me/visibility: what others see, and the fix used only to find my 1 km cell. */
export const VisibilityInputSchema = z.object({
  headline: visibleText(1, 80),
  interests: z.array(visibleText(1, 30)).max(10).default([])
    .refine(
      (tags) => new Set(tags.map((t) => t.toLowerCase())).size === tags.length,
      "interests must not repeat",
    ),
  lat: LatSchema,
  lng: LngSchema,
  accuracy: z.number().min(0).max(VISIBILITY_MAX_ACCURACY_M),
  minutes: z.number().int().min(VISIBILITY_MINUTES.min)
    .max(VISIBILITY_MINUTES.max).default(VISIBILITY_MINUTES.default),
});
export type VisibilityInput = z.infer<typeof VisibilityInputSchema>;

/** My own visibility as I see it: what others see of me and until when; no place. */
export const VisibilityViewSchema = z.object({
  headline: z.string(),
  interests: z.array(z.string()),
  expiresAt: TimestampSchema,
}).meta({
  id: "VisibilityView",
  description:
    "My own visibility as I see it: what others see of me and until when; no place",
  example: {
    headline: "Here for the jazz night",
    interests: ["jazz", "photography"],
    expiresAt: "2026-01-03T21:30:00.000Z",
  },
});
export type VisibilityView = z.infer<typeof VisibilityViewSchema>;

/** A distance as others see it: a bucket bound (null: 50 km or more) and its label. */
export const DistanceBucketSchema = z.object({
  withinM: z.number().int().nullable(),
  label: z.string(),
});

/** A visible person in a people search: never a coordinate, only a distance bucket. */
export const NearbyPersonViewSchema = z.object({
  user: z.object({
    id: UlidSchema,
    handle: z.string(),
    displayName: z.string(),
  }),
  headline: z.string(),
  interests: z.array(z.string()),
  distance: DistanceBucketSchema,
}).meta({
  id: "NearbyPersonView",
  description:
    "A visible person in a people search: never a coordinate, only a distance bucket",
});
export type NearbyPersonView = z.infer<typeof NearbyPersonViewSchema>;
