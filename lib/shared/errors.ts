import * as z from "zod";

/** The one error shape every API answer uses. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** An expected failure with an HTTP status and a stable machine-readable code. */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }

  /** The error as the API sends it. */
  toBody(): ErrorBody {
    const error: ErrorBody["error"] = {
      code: this.code,
      message: this.message,
    };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

/** Input failed validation (400). */
export const validation = (message: string, details?: unknown) =>
  new AppError(400, "invalid_request", message, details);
/** No valid session (401). */
export const unauthorized = (message = "Sign in first") =>
  new AppError(401, "unauthorized", message);
/** Authenticated but not allowed (403); code says why. */
export const forbidden = (code: string, message: string, details?: unknown) =>
  new AppError(403, code, message, details);
/** The thing does not exist, or the caller may not know it does (404). */
export const notFound = (what: string) =>
  new AppError(404, "not_found", `${what} not found`);
/** A uniqueness or concurrency conflict (409). */
export const conflict = (code: string, message: string) =>
  new AppError(409, code, message);
/** Understood but not acceptable as given (422). */
export const unprocessable = (
  code: string,
  message: string,
  details?: unknown,
) => new AppError(422, code, message, details);
/** Too many requests (429); details carry retryAfterS. */
export const rateLimited = (retryAfterS: number) =>
  new AppError(429, "rate_limited", "Too many requests, slow down", {
    retryAfterS,
  });
