import assert from "node:assert/strict";
import {
  api,
  type ApiResult,
  createRoom,
  deleteMessage,
  editMessage,
  getSnapshot,
  joinRoom,
  registerUser,
  sendMessage,
  setPin,
  setReaction,
  type TestUser,
} from "../helpers/api.ts";
import { act, actOk, wsSend, wsSendOk } from "../helpers/events.ts";
import { startServer } from "../helpers/server.ts";
import { connect, type Frame, type WsClient } from "../helpers/ws.ts";
import type { MessageView } from "../../lib/shared/schemas.ts";

const HERE = { lat: 59.3293, lng: 18.0686 };
const UNKNOWN_SEQ = 999_999;

/** Asserts an HTTP answer's status and answers its body. */
function ok(res: ApiResult, status = 200) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.type, /application\/json/);
  return res.body;
}

/** Asserts a refusal in the one error shape; answers its code. */
function refused(res: ApiResult, status: number, code?: string): string {
  const what = JSON.stringify(res.body);
  assert.equal(res.status, status, what);
  assert.match(res.type, /application\/json/);
  assert.deepEqual(Object.keys(res.body), ["error"], what);
  assert.equal(typeof res.body.error.code, "string", what);
  assert.equal(typeof res.body.error.message, "string", what);
  if (code) assert.equal(res.body.error.code, code, what);
  return res.body.error.code;
}

/** Asserts a WebSocket error frame, for `room`, with `code`. */
function wsRefused(f: Frame, room: string, code: string) {
  const what = JSON.stringify(f);
  assert.equal(f.type, "error", what);
  assert.equal(f.code, code, what);
  assert.equal(f.room, room, what);
}

Deno.test("rights - who may do what, and refusals change nothing", async (t) => {
  const server = await startServer();
  const base = server.url;
  const open: WsClient[] = [];
  try {
    const owner = await registerUser(base, "own");
    const author = await registerUser(base, "aut");
    const member = await registerUser(base, "mem");
    const stranger = await registerUser(base, "str");
    const room = (await createRoom(base, owner, HERE)).id;
    await joinRoom(base, author, room, HERE);
    await joinRoom(base, member, room, HERE);
    const socket = async (u: TestUser) => {
      const { ws } = await connect(base, u);
      open.push(ws);
      return ws;
    };
    const [ownerWs, authorWs, memberWs, strangerWs] = [
      await socket(owner),
      await socket(author),
      await socket(member),
      await socket(stranger),
    ];

    const m: MessageView = ok(
      await sendMessage(base, author, room, "the author's words", "a-1"),
      201,
    );
    const snapshot = () => getSnapshot(base, owner, room);
    const messageAt = async (seq: number) =>
      (await snapshot()).items.find((x) => x.seq === seq);
    /** Runs refused actions and asserts the head and the message did not move. */
    const unchanged = async (seq: number, refusals: () => Promise<void>) => {
      const before = await snapshot();
      await refusals();
      const after = await snapshot();
      assert.deepEqual(after.head, before.head, "a refusal appended an event");
      assert.deepEqual(
        after.items.find((x) => x.seq === seq),
        before.items.find((x) => x.seq === seq),
        "a refusal changed the message",
      );
    };

    await t.step(
      "a non-member gets 403 not_member for every action, over HTTP and WS",
      async () => {
        await unchanged(m.seq, async () => {
          const s = stranger;
          for (
            const res of [
              await sendMessage(base, s, room, "let me in", "s-1"),
              await editMessage(base, s, room, m.seq, "mine now"),
              await deleteMessage(base, s, room, m.seq),
              await setReaction(base, s, room, m.seq, "👍", true),
              await setPin(base, s, room, m.seq, true),
              await setPin(base, s, room, m.seq, false),
            ]
          ) refused(res, 403, "not_member");
          const ws = strangerWs;
          const sent = await wsSend(ws, room, "let me in", "s-2");
          wsRefused(sent, room, "not_member");
          assert.equal(sent.clientId, "s-2");
          const frames = [
            { type: "message.edit", room, seq: m.seq, text: "mine now" },
            { type: "message.delete", room, seq: m.seq },
            { type: "reaction.set", room, seq: m.seq, emoji: "👍", on: true },
            { type: "pin.set", room, seq: m.seq, pinned: true },
          ];
          for (const f of frames) {
            wsRefused(await act(ws, f), room, "not_member");
          }
        });
      },
    );

    await t.step(
      "a member who is not the author can neither edit nor delete",
      async () => {
        await unchanged(m.seq, async () => {
          refused(
            await editMessage(base, member, room, m.seq, "not mine"),
            403,
            "not_author",
          );
          const code = refused(
            await deleteMessage(base, member, room, m.seq),
            403,
          );
          wsRefused(
            await act(memberWs, {
              type: "message.edit",
              room,
              seq: m.seq,
              text: "not mine",
            }),
            room,
            "not_author",
          );
          wsRefused(
            await act(memberWs, { type: "message.delete", room, seq: m.seq }),
            room,
            code,
          );
        });
      },
    );

    await t.step(
      "a plain member can neither pin nor post an announcement",
      async () => {
        await unchanged(m.seq, async () => {
          const pin = refused(
            await setPin(base, member, room, m.seq, true),
            403,
          );
          refused(await setPin(base, member, room, m.seq, false), 403, pin);
          wsRefused(
            await act(memberWs, {
              type: "pin.set",
              room,
              seq: m.seq,
              pinned: true,
            }),
            room,
            pin,
          );
          const announce = refused(
            await sendMessage(base, member, room, "hear ye", "m-1", {
              category: "announcement",
            }),
            403,
          );
          wsRefused(
            await wsSend(memberWs, room, "hear ye", "m-2", {
              category: "announcement",
            }),
            room,
            announce,
          );
        });
        assert.equal((await messageAt(m.seq))?.pinned, false);
        const pins = ok(
          await api(base, `/rooms/${room}/pins`, {
            token: member.token,
          }),
        );
        assert.deepEqual(pins.items, []);
      },
    );

    await t.step(
      "a plain member may react and reply; the owner may announce",
      async () => {
        const head = (await snapshot()).head.seq;
        const r = ok(await setReaction(base, member, room, m.seq, "👍", true));
        assert.deepEqual(r.reactions, [
          { emoji: "👍", count: 1, by: [member.user.id] },
        ]);
        const reply = ok(
          await sendMessage(base, member, room, "a reply", "m-3", {
            threadRoot: m.seq,
          }),
          201,
        );
        assert.equal(reply.threadRoot, m.seq);
        const http = ok(
          await sendMessage(base, owner, room, "hear ye", "o-1", {
            category: "announcement",
          }),
          201,
        );
        assert.equal(http.category, "announcement");
        const ws = await wsSendOk(ownerWs, room, "hear ye again", "o-2", {
          category: "announcement",
        });
        assert.equal(ws.category, "announcement");
        // A reaction, a reply and its thread update, two announcements.
        assert.equal((await snapshot()).head.seq, head + 5);
      },
    );

    await t.step(
      "the owner may pin and delete anyone's message; an author may delete their own",
      async () => {
        const head = (await snapshot()).head.seq;
        const pinned = ok(await setPin(base, owner, room, m.seq, true));
        assert.equal(pinned.seq, m.seq);
        assert.equal(pinned.pinned, true);
        const pins = ok(
          await api(base, `/rooms/${room}/pins`, {
            token: member.token,
          }),
        );
        assert.deepEqual(pins.items.map((x: MessageView) => x.seq), [m.seq]);
        const unpin = await actOk(ownerWs, {
          type: "pin.set",
          room,
          seq: m.seq,
          pinned: false,
        });
        assert.equal(unpin, head + 2);
        const gone = ok(await deleteMessage(base, owner, room, m.seq));
        assert.equal(gone.seq, m.seq);
        assert.equal(gone.deleted, true);
        assert.equal(gone.text, "");
        assert.deepEqual(gone.reactions, []);
        const own = ok(
          await sendMessage(base, author, room, "short-lived", "a-2"),
          201,
        );
        const del = await actOk(authorWs, {
          type: "message.delete",
          room,
          seq: own.seq,
        });
        assert.equal(del, own.seq + 1);
        const stored = await messageAt(own.seq);
        assert.equal(stored?.deleted, true);
        assert.equal(stored?.text, "");
        assert.equal((await snapshot()).head.seq, head + 5);
      },
    );

    await t.step(
      "editing a deleted message answers 409 message_deleted",
      async () => {
        await unchanged(m.seq, async () => {
          refused(
            await editMessage(base, author, room, m.seq, "back again"),
            409,
            "message_deleted",
          );
          wsRefused(
            await act(authorWs, {
              type: "message.edit",
              room,
              seq: m.seq,
              text: "back again",
            }),
            room,
            "message_deleted",
          );
        });
        assert.equal((await messageAt(m.seq))?.text, "");
      },
    );

    await t.step(
      "bad input answers 400 in the one error shape, unknown seqs 404, and nothing is written",
      async () => {
        const live: MessageView = ok(
          await sendMessage(base, author, room, "still here", "a-3"),
          201,
        );
        // A seq the log used for an event that is not a message.
        const notAMessage = await actOk(memberWs, {
          type: "reaction.set",
          room,
          seq: live.seq,
          emoji: "🙂",
          on: true,
        });
        await unchanged(live.seq, async () => {
          const a = author;
          const bad = [
            await setReaction(base, a, room, live.seq, "abc", true),
            await setReaction(base, a, room, live.seq, "👍👍", true),
            await setReaction(base, a, room, live.seq, "", true),
            await editMessage(base, a, room, live.seq, "x".repeat(4001)),
            await editMessage(base, a, room, live.seq, "   "),
            await editMessage(base, a, room, live.seq, 42),
            await editMessage(base, a, room, 0, "zero"),
            await editMessage(base, a, room, "abc", "nan"),
            await deleteMessage(base, a, room, 0),
            await setReaction(base, a, room, 0, "👍", true),
            await setPin(base, owner, room, 0, true),
            await api(base, `/rooms/${room}/messages/${live.seq}/reactions`, {
              token: a.token,
              body: { emoji: "👍" },
            }),
          ];
          for (const res of bad) refused(res, 400, "invalid_request");
          const missing = [
            await editMessage(base, a, room, UNKNOWN_SEQ, "who?"),
            await editMessage(base, a, room, notAMessage, "who?"),
            await deleteMessage(base, a, room, UNKNOWN_SEQ),
            await setReaction(base, a, room, UNKNOWN_SEQ, "👍", true),
            await setPin(base, owner, room, UNKNOWN_SEQ, true),
          ];
          for (const res of missing) refused(res, 404, "not_found");

          const invalid = [
            {
              type: "reaction.set",
              room,
              seq: live.seq,
              emoji: "abc",
              on: true,
            },
            {
              type: "message.edit",
              room,
              seq: live.seq,
              text: "x".repeat(4001),
            },
            { type: "message.edit", room, seq: 0, text: "zero" },
            { type: "message.delete", room, seq: 0 },
            { type: "pin.set", room, seq: 0, pinned: true },
          ];
          for (const f of invalid) {
            wsRefused(await act(authorWs, f), room, "invalid_request");
          }
          wsRefused(
            await act(authorWs, {
              type: "message.delete",
              room,
              seq: UNKNOWN_SEQ,
            }),
            room,
            "not_found",
          );
          wsRefused(
            await act(ownerWs, {
              type: "pin.set",
              room,
              seq: UNKNOWN_SEQ,
              pinned: true,
            }),
            room,
            "not_found",
          );
        });
        const still = await messageAt(live.seq);
        assert.equal(still?.text, "still here");
        assert.equal(still?.editedAt, null);
        assert.equal(still?.pinned, false);
      },
    );
  } finally {
    await Promise.all(open.map((ws) => ws.close()));
    assert.equal(await server.stop(), 0);
  }
});
