import type { z } from "zod";

/** The outcome of an API call: validated data, or a message fit to show a person. */
export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; code: string; message: string };

type ErrorShape = {
  error?: {
    code?: string;
    message?: string;
    details?: { path?: string; message?: string }[];
  };
};

/** The server's error message, with field details when it sent them. */
function messageOf(body: ErrorShape | null, status: number): string {
  const error = body?.error;
  if (!error?.message) return `Request failed (HTTP ${status})`;
  const details = Array.isArray(error.details)
    ? error.details.filter((d) => d?.message).map((d) =>
      d.path ? `${d.path}: ${d.message}` : d.message
    )
    : [];
  return details.length
    ? `${error.message} (${details.join("; ")})`
    : error.message;
}

/** Calls the same-origin JSON API with the session cookie and validates the answer. */
export async function apiJson<T>(
  path: string,
  schema: z.ZodType<T>,
  init: { method?: string; body?: unknown } = {},
): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: init.body === undefined
        ? {}
        : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
    });
  } catch {
    return {
      ok: false,
      status: 0,
      code: "network",
      message: "Network error — check your connection and try again",
    };
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const code = (body as ErrorShape | null)?.error?.code ?? "http_error";
    return {
      ok: false,
      status: res.status,
      code,
      message: messageOf(body, res.status),
    };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      status: res.status,
      code: "bad_response",
      message: "The server sent an answer this page does not understand",
    };
  }
  return { ok: true, status: res.status, data: parsed.data };
}
