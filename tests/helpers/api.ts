import type { MessageView, RoomHeadView } from "../../lib/shared/schemas.ts";

/** A signed-in test user: its view, token, and the cookie header pages use. */
export type TestUser = {
  user: { id: string; handle: string; displayName: string };
  token: string;
  cookie: string;
};

let counter = 0;

/** A handle unique within this test process. */
export function uniqueHandle(prefix = "u"): string {
  return `${prefix}_${Date.now().toString(36)}${(counter++).toString(36)}`
    .slice(0, 32);
}

/** Calls the JSON API; returns status, content type and parsed body (or null). */
export async function api(
  base: string,
  path: string,
  opts: {
    method?: string;
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: HeadersInit;
  } = {},
) {
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(`${base}/api/v1${path}`, {
    method: opts.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
  const type = res.headers.get("content-type") ?? "";
  const text = await res.text();
  return {
    status: res.status,
    type,
    headers: res.headers,
    // deno-lint-ignore no-explicit-any
    body: (text && type.includes("json") ? JSON.parse(text) : null) as any,
  };
}

/** Registers a fresh user and returns it signed in. */
export async function registerUser(
  base: string,
  prefix = "u",
): Promise<TestUser> {
  const handle = uniqueHandle(prefix);
  const res = await api(base, "/auth/register", {
    body: {
      handle,
      displayName: `Test ${handle}`,
      password: "correct horse battery",
    },
  });
  if (res.status !== 201) {
    throw new Error(
      `register failed: ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  const cookie = res.headers.get("set-cookie")?.split(";")[0] ?? "";
  return { user: res.body.user, token: res.body.token, cookie };
}

/** A room at a point (placed on the map, so its centre is exact), created by `owner`. */
export async function createRoom(
  base: string,
  owner: TestUser,
  at: { lat: number; lng: number },
  extra: Record<string, unknown> = {},
) {
  const res = await api(base, "/rooms", {
    token: owner.token,
    body: {
      name: "Test room",
      lat: at.lat,
      lng: at.lng,
      radiusM: 300,
      category: "social",
      // Exact centres keep distances predictable; snapping "here" has its own tests.
      placement: "map",
      ...extra,
    },
  });
  if (res.status !== 201) {
    throw new Error(
      `create room failed: ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  return res.body as { id: string; name: string; radiusM: number };
}

/** Joins a room from a precise fix at the given point. */
export async function joinRoom(
  base: string,
  user: TestUser,
  roomId: string,
  at: { lat: number; lng: number },
) {
  const res = await api(base, `/rooms/${roomId}/join`, {
    token: user.token,
    body: { lat: at.lat, lng: at.lng, accuracy: 10 },
  });
  if (res.status !== 200) {
    throw new Error(`join failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** The result of `api`: status, content type, headers and parsed body. */
export type ApiResult = Awaited<ReturnType<typeof api>>;

const messagePath = (room: string, seq?: number | string) =>
  seq === undefined
    ? `/rooms/${room}/messages`
    : `/rooms/${room}/messages/${seq}`;

/** POST /rooms/{id}/messages as `u`; `extra` carries threadRoot or category. */
export function sendMessage(
  base: string,
  u: TestUser,
  room: string,
  text: string,
  clientId: string,
  extra: { threadRoot?: number; category?: string } = {},
): Promise<ApiResult> {
  return api(base, messagePath(room), {
    token: u.token,
    body: { text, clientId, ...extra },
  });
}

/** PATCH /rooms/{id}/messages/{seq} {text} as `u`. */
export function editMessage(
  base: string,
  u: TestUser,
  room: string,
  seq: number | string,
  text: unknown,
): Promise<ApiResult> {
  return api(base, messagePath(room, seq), {
    method: "PATCH",
    token: u.token,
    body: { text },
  });
}

/** DELETE /rooms/{id}/messages/{seq} as `u`. */
export function deleteMessage(
  base: string,
  u: TestUser,
  room: string,
  seq: number | string,
): Promise<ApiResult> {
  return api(base, messagePath(room, seq), {
    method: "DELETE",
    token: u.token,
  });
}

/** POST /rooms/{id}/messages/{seq}/reactions {emoji, on} as `u`. */
export function setReaction(
  base: string,
  u: TestUser,
  room: string,
  seq: number | string,
  emoji: string,
  on: boolean,
): Promise<ApiResult> {
  return api(base, `${messagePath(room, seq)}/reactions`, {
    token: u.token,
    body: { emoji, on },
  });
}

/** PUT (pin) or DELETE (unpin) /rooms/{id}/pins/{seq} as `u`. */
export function setPin(
  base: string,
  u: TestUser,
  room: string,
  seq: number | string,
  pinned: boolean,
): Promise<ApiResult> {
  return api(base, `/rooms/${room}/pins/${seq}`, {
    method: pinned ? "PUT" : "DELETE",
    token: u.token,
  });
}

/** POST /rooms/{id}/leave as `u`; throws unless 204. */
export async function leaveRoom(base: string, u: TestUser, roomId: string) {
  const res = await api(base, `/rooms/${roomId}/leave`, {
    method: "POST",
    token: u.token,
  });
  if (res.status !== 204) {
    throw new Error(`leave failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** A room's newest page of messages (up to 200) and its head; throws unless 200. */
export async function getSnapshot(
  base: string,
  u: TestUser,
  room: string,
): Promise<{ items: MessageView[]; head: RoomHeadView }> {
  const res = await api(base, `${messagePath(room)}?limit=200`, {
    token: u.token,
  });
  if (res.status !== 200) {
    throw new Error(
      `snapshot failed: ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  return { items: res.body.items, head: res.body.head };
}

/** A room's current member count, from GET /rooms/{id}. */
export async function getMemberCount(
  base: string,
  u: TestUser,
  room: string,
): Promise<number> {
  const res = await api(base, `/rooms/${room}`, { token: u.token });
  if (res.status !== 200) {
    throw new Error(
      `get room failed: ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  return res.body.memberCount;
}
