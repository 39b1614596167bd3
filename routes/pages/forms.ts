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

const NEXT_BASE = "http://vicinity.invalid";

/**
 * A redirect target that stays on this site: the normalised path, query and hash of a
 * same-site path, otherwise "/".
 */
export function safeNext(raw: unknown): string {
  if (typeof raw !== "string" || !raw.startsWith("/")) return "/";
  // Browsers drop tabs and newlines and read a backslash as "/": refuse them, don't guess.
  // deno-lint-ignore no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, NEXT_BASE);
  } catch {
    return "/";
  }
  // Dot segments can collapse "/..//host" into "//host", which browsers read as another site,
  // so the check is on the resolved path, and the redirect goes to exactly that path.
  if (url.origin !== NEXT_BASE || !/^\/(?![/\\])/.test(url.pathname)) {
    return "/";
  }
  return url.pathname + url.search + url.hash;
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
