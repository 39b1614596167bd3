import { z } from "zod";
import { ErrorBodySchema } from "../shared/errors.ts";

const ERROR_TEXT: Record<number, string> = {
  400: "Malformed JSON or failed validation",
  401: "No valid session",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  413: "Body too large",
  415: "Body is not JSON",
  422: "Not acceptable as given",
  429: "Rate limited",
};

/** A required JSON request body for a route definition. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { "application/json": { schema } }, required: true };
}

/** A JSON response entry for a route definition. */
export function jsonResponse<T extends z.ZodType>(
  schema: T,
  description: string,
) {
  return { content: { "application/json": { schema } }, description };
}

/** Response entries for the error statuses a route can answer, all in the one error shape. */
export function errorResponses(...statuses: (keyof typeof ERROR_TEXT)[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, jsonResponse(ErrorBodySchema, ERROR_TEXT[s])]),
  ) as Record<number, ReturnType<typeof jsonResponse<typeof ErrorBodySchema>>>;
}

/** The security requirement of routes that need a session. */
export const SESSION_SECURITY: Record<string, string[]>[] = [{ bearer: [] }, {
  cookie: [],
}];

/** A number in a query string: an empty or blank value is refused, never read as 0. */
export const QueryNumber = z.string().trim().min(1, "must be a number").pipe(
  z.coerce.number(),
);
