import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import type { AppEnv } from "../../lib/http/env.ts";
import { AppError } from "../../lib/shared/errors.ts";

/** Largest form body the pages read, in bytes. */
export const MAX_FORM_BYTES = 16 * 1024;

/** Caps page form bodies; anything bigger is a 413 error page. */
export const formLimit: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: MAX_FORM_BYTES,
  onError: () => {
    throw new AppError(413, "payload_too_large", "That form was too large");
  },
});

/** A redirect target that stays on this site: a relative path, otherwise "/". */
export function safeNext(raw: unknown): string {
  if (typeof raw !== "string" || !raw.startsWith("/")) return "/";
  // "//host" and "/\host" are protocol-relative to browsers; control characters get stripped.
  // deno-lint-ignore no-control-regex
  if (raw.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(raw)) return "/";
  const base = "http://vicinity.invalid";
  try {
    const url = new URL(raw, base);
    if (url.origin !== base) return "/";
    return url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
}

/** The string fields of a urlencoded or multipart form; files are ignored. */
export async function readForm(
  c: Context<AppEnv>,
): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === "string") fields[name] = value;
  }
  return fields;
}

/** The first message per top-level field of a failed parse, using friendlier wording. */
export function fieldErrors(
  error: z.ZodError,
  wording: Record<string, string>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= wording[field] ?? issue.message;
  }
  return errors;
}
