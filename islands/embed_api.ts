import type * as z from "zod";

/** Where the frame keeps its session token: third-party frames get no cookies. */
const TOKEN_KEY = "vicinity.embed.token";

/** The token this tab kept, if storage is there to keep it. */
export function readStored(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage may be blocked in a third-party frame: memory only, then
  }
}

/** Keeps (or, with null, forgets) the token for this tab, where storage allows. */
export function store(token: string | null) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* memory only */ }
}

/** An API answer: validated data, or a status and a message fit to show. */
export type Answer<T> = { ok: true; data: T } | {
  ok: false;
  status: number;
  message: string;
};

/**
 * Calls the JSON API with the token as `Authorization: Bearer` (or the cookie, when null)
 * and validates the answer; never throws.
 */
export async function callApi<T>(
  path: string,
  schema: z.ZodType<T>,
  token: string | null,
  body?: unknown,
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  try {
    const res = await fetch(`/api/v1${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => null);
    if (!res.ok) {
      const message = json?.error?.message ?? `Request failed (${res.status})`;
      return { ok: false, status: res.status, message };
    }
    const parsed = schema.safeParse(json);
    return parsed.success ? { ok: true, data: parsed.data } : {
      ok: false,
      status: res.status,
      message: "The server sent an answer this page does not understand",
    };
  } catch {
    return { ok: false, status: 0, message: "Network error, try again" };
  }
}
