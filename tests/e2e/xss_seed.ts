import assert from "node:assert/strict";
import type { MessageView, RoomView } from "../../lib/shared/schemas.ts";
import {
  api,
  editMessage,
  sendMessage,
  setPin,
  setReaction,
  type TestUser,
  uniqueHandle,
} from "../helpers/api.ts";
import { HERE } from "./browser.ts";
import { corpus, deal, nameBatches, pack } from "./xss_corpus.ts";

/** Where every room stands and every fix is taken. */
export const AT = { lat: HERE.latitude, lng: HERE.longitude };
const PASSWORD = "correct horse battery";
/** Rooms besides the chat room; with it they fill the nearby list's 50. */
export const EXTRA_ROOMS = 49;
/** Hostile people besides the viewer; registrations are capped at 20 per address. */
const HOSTILE_PEOPLE = 13;
/** Valid reactions that are still odd: modifiers, joiners, tag letters, keycaps, flags. */
export const ODD_EMOJI = [
  "👍🏽",
  "🏳️‍🌈",
  "1️⃣",
  "🇺🇦",
  "👨‍👩‍👧‍👦",
  "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
  "#️⃣",
  "©️",
];

/** Calls the API and insists on the status; answers the body. */
export async function expectStatus(
  status: number,
  call: Promise<{ status: number; body: unknown }>,
  what: string,
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  const res = await call;
  assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Registers a user with a chosen display name over the API. */
export async function register(
  base: string,
  handle: string,
  displayName: string,
): Promise<TestUser> {
  const res = await api(base, "/auth/register", {
    body: { handle, displayName, password: PASSWORD },
  });
  assert.equal(res.status, 201, `register ${JSON.stringify(displayName)}`);
  const cookie = res.headers.get("set-cookie")?.split(";")[0] ?? "";
  return { user: res.body.user, token: res.body.token, cookie };
}

/** Creates a room (category venue) with a hostile name and description. */
export function createRoom(
  base: string,
  owner: TestUser,
  name: string,
  description: string,
): Promise<RoomView> {
  const body = { name, description, lat: AT.lat, lng: AT.lng, radiusM: 300 };
  return expectStatus(
    201,
    api(base, "/rooms", {
      token: owner.token,
      body: { ...body, category: "venue" },
    }),
    "create a room",
  );
}

/** Renames and redescribes a room through PATCH /rooms/:id. */
export function updateRoom(
  base: string,
  owner: TestUser,
  id: string,
  patch: { name: string; description: string },
): Promise<RoomView> {
  return expectStatus(
    200,
    api(base, `/rooms/${id}`, {
      method: "PATCH",
      token: owner.token,
      body: patch,
    }),
    "update a room",
  );
}

/** Everything the browser test shows: hostile people, rooms and messages. */
export type Seeded = Awaited<ReturnType<typeof seed>>;

/** Creates the hostile content over the API; what the server refuses is checked here. */
export async function seed(base: string) {
  const annHandle = uniqueHandle("ann");
  const payloads = corpus(annHandle);
  const names = nameBatches(payloads, HOSTILE_PEOPLE + 1);
  const ann = await register(base, annHandle, names[0]);
  const hostile: TestUser[] = [];
  for (const name of names.slice(1)) {
    hostile.push(await register(base, uniqueHandle("h"), name));
  }
  // Invisible and bidi characters are refused in names, so nobody can fake one with them.
  for (const name of ["\u202eevil", "a\u200bb", "\u2066x\u2069", "x\u0000"]) {
    const res = await api(base, "/auth/register", {
      body: {
        handle: uniqueHandle("x"),
        displayName: name,
        password: PASSWORD,
      },
    });
    assert.equal(res.status, 400, `name ${JSON.stringify(name)} is refused`);
  }
  const roomNames = pack(payloads, 80, " ");
  const descriptions = pack(payloads, 500, "\n");
  const room = await createRoom(base, ann, roomNames.at(-1)!, descriptions[0]);
  for (const h of hostile) {
    const body = { lat: AT.lat, lng: AT.lng, accuracy: 10 };
    const path = `/rooms/${room.id}/join`;
    await expectStatus(200, api(base, path, { token: h.token, body }), "join");
  }
  const rooms = await createRooms(base, hostile, roomNames, descriptions);
  return {
    ann,
    hostile,
    payloads,
    roomNames,
    descriptions,
    room,
    ...rooms,
    ...await seedMessages(base, ann, hostile, room.id, payloads),
  };
}

/** The 49 extra rooms, three owners creating theirs side by side. */
async function createRooms(
  base: string,
  hostile: TestUser[],
  names: string[],
  descriptions: string[],
) {
  const owned = deal([...Array(EXTRA_ROOMS).keys()], 3);
  const extra: RoomView[] = [];
  const owners: TestUser[] = [];
  await Promise.all(owned.map(async (indexes, o) => {
    for (const i of indexes) {
      const description = descriptions[i % descriptions.length];
      extra[i] = await createRoom(base, hostile[o], names[i], description);
      owners[i] = hostile[o];
    }
  }));
  return { extra, owners };
}

/**
 * Sends (each mentioning the viewer), thread replies and edits that each carry the whole
 * corpus, a pin, odd reactions, and read marks on the viewer's last message.
 */
async function seedMessages(
  base: string,
  ann: TestUser,
  hostile: TestUser[],
  roomId: string,
  payloads: string[],
) {
  const bodies = deal(payloads, 4).map((group) => group.join("\n"));
  const say = (u: TestUser, text: string, extra = {}): Promise<MessageView> =>
    expectStatus(
      201,
      sendMessage(base, u, roomId, text, crypto.randomUUID(), extra),
      "send",
    );
  const sent: MessageView[] = [];
  for (const [i, text] of bodies.entries()) {
    sent.push(await say(hostile[i], `@${ann.user.handle} ${text}`));
  }
  for (const [i, text] of bodies.entries()) {
    await say(hostile[4 + i], text, { threadRoot: sent[0].seq });
  }
  const edited: MessageView[] = [];
  for (const [i, text] of bodies.entries()) {
    const draft = await say(hostile[8 + i], `draft ${i}`);
    const edit = editMessage(base, hostile[8 + i], roomId, draft.seq, text);
    edited.push(await expectStatus(200, edit, "edit"));
  }
  await expectStatus(200, setPin(base, ann, roomId, sent[1].seq, true), "pin");
  for (const [i, emoji] of ODD_EMOJI.entries()) {
    const react = setReaction(
      base,
      hostile[i],
      roomId,
      sent[i % 4].seq,
      emoji,
      true,
    );
    await expectStatus(200, react, `react ${emoji}`);
  }
  // No payload passes as a reaction.
  const refused = await Promise.all(
    payloads.map((p, i) =>
      setReaction(
        base,
        hostile[i % hostile.length],
        roomId,
        sent[0].seq,
        p,
        true,
      )
    ),
  );
  refused.forEach((r, i) =>
    assert.equal(r.status, 400, `reaction ${JSON.stringify(payloads[i])}`)
  );
  const mine = await say(ann, "Who has read this?");
  for (const h of hostile) {
    const read = api(base, `/rooms/${roomId}/read`, {
      token: h.token,
      body: { seq: mine.seq },
    });
    await expectStatus(204, read, "read");
  }
  return { bodies, sent, edited, mine };
}
