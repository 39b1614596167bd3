import assert from "node:assert/strict";
import { ServerFrameSchema } from "../../lib/shared/protocol.ts";
import {
  api,
  type ApiResult,
  createRoom,
  joinRoom,
  registerUser,
  type TestUser,
} from "./api.ts";
import type { Frame } from "./ws.ts";

/** A point the tests' proximity rooms sit at. */
export const HERE = { lat: 48.8566, lng: 2.3522 };

/** Asserts an HTTP answer's status (and JSON when it has a body); answers the body. */
export function ok(res: ApiResult, status = 200) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  if (status !== 204) assert.match(res.type, /application\/json/);
  return res.body;
}

/** Asserts an error answer's status and code. */
export function refused(res: ApiResult, status: number, code: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body?.error?.code, code, JSON.stringify(res.body));
}

/** Asserts a frame is on the protocol and answers it. */
export function onContract(f: Frame): Frame {
  const parsed = ServerFrameSchema.safeParse(f);
  assert.ok(parsed.success, `off the contract: ${JSON.stringify(f)}`);
  return f;
}

/** Registers users who all joined one proximity room (so they may ask each other to talk). */
export async function neighbours(base: string, n: number) {
  const users: TestUser[] = [];
  for (let i = 0; i < n; i++) users.push(await registerUser(base, `n${i}`));
  const room = (await createRoom(base, users[0], HERE)).id;
  for (const u of users.slice(1)) await joinRoom(base, u, room, HERE);
  return { users, room };
}

/** POST /direct as `from` to `to`'s handle. */
export const startDirect = (base: string, from: TestUser, to: TestUser) =>
  api(base, "/direct", { token: from.token, body: { handle: to.user.handle } });

/** A group owned by `owner` with the others added. */
export async function groupOf(
  base: string,
  owner: TestUser,
  others: TestUser[],
  name = "Crew",
): Promise<string> {
  const g = ok(
    await api(base, "/groups", { token: owner.token, body: { name } }),
    201,
  );
  for (const u of others) {
    ok(
      await api(base, `/rooms/${g.id}/members`, {
        token: owner.token,
        body: { handle: u.user.handle },
      }),
    );
  }
  return g.id as string;
}

/** A message by REST; answers its view. */
export async function say(
  base: string,
  u: TestUser,
  room: string,
  text: string,
) {
  return ok(
    await api(base, `/rooms/${room}/messages`, {
      token: u.token,
      body: { text, clientId: crypto.randomUUID().slice(0, 20) },
    }),
    201,
  );
}

/** GET /inbox for a user, as items. */
export async function inboxOf(base: string, u: TestUser, query = "") {
  return ok(await api(base, `/inbox${query}`, { token: u.token }));
}

/** One room's inbox item for a user, or undefined when not listed. */
export async function itemOf(base: string, u: TestUser, room: string) {
  const page = await inboxOf(base, u, "?limit=100");
  // deno-lint-ignore no-explicit-any
  return page.items.find((i: any) => i.roomId === room);
}
