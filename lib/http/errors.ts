import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { log } from "../log.ts";
import { AppError, validation } from "../shared/errors.ts";

const HTTP_CODES: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/** Turns anything thrown into an AppError; unknown faults become a logged generic 500. */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException && err.status < 500) {
    const code = HTTP_CODES[err.status] ?? "invalid_request";
    return new AppError(
      err.status as AppError["status"],
      code,
      err.message || code,
    );
  }
  return null;
}

/** Whether a request wants JSON (the API) rather than an HTML page. */
export const wantsJson = (c: Context) => c.req.path.startsWith("/api/");

/** What an HTML error page shows. */
export type PageError = { status: ContentfulStatusCode; message: string };

/** The app's one onError: the error shape for the API, an error page for HTML. */
export function createOnError(
  renderErrorPage: (c: Context, e: PageError) => Response,
) {
  return (err: Error, c: Context): Response => {
    const appError = toAppError(err);
    if (appError) {
      if (appError.status === 429) {
        const retry = (appError.details as { retryAfterS?: number })
          ?.retryAfterS;
        if (retry) c.header("Retry-After", String(retry));
      }
      if (wantsJson(c)) return c.json(appError.toBody(), appError.status);
      return renderErrorPage(c, appError);
    }
    log.error("http.unhandled", {
      path: c.req.path,
      error: String(err?.stack ?? err),
    });
    const body = {
      error: { code: "internal", message: "Something went wrong" },
    };
    if (wantsJson(c)) return c.json(body, 500);
    return renderErrorPage(c, { status: 500, message: body.error.message });
  };
}

/** Zod issues as a compact list of { path, message } for error details. */
export function issuesOf(error: z.ZodError) {
  return error.issues.map((i) => ({
    path: i.path.join("."),
    message: i.message,
  }));
}

/** The zod-openapi hook: a failed validation throws the one 400 shape. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError },
): void {
  if (!result.success) {
    throw validation("Request is not valid", issuesOf(result.error));
  }
}
