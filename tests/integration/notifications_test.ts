import assert from "node:assert/strict";
import {
  api,
  type ApiResult,
  createRoom,
  deleteMessage,
  joinRoom,
  registerUser,
  sendMessage,
  type TestUser,
} from "../helpers/api.ts";
import { wsSendOk } from "../helpers/events.ts";
import { startServer } from "../helpers/server.ts";
import { connect, type Frame, type WsClient } from "../helpers/ws.ts";
import { ServerFrameSchema } from "../../lib/shared/protocol.ts";

const HERE = { lat: 41.3874, lng: 2.1686 };

/** Asserts an HTTP answer's status (then JSON, when it has a body) and answers its body. */
function ok(res: ApiResult, status = 200) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  if (status !== 204) assert.match(res.type, /application\/json/);
  return res.body;
}

/** Asserts a frame is on the protocol and answers it. */
function onContract(f: Frame): Frame {
  const parsed = ServerFrameSchema.safeParse(f);
  assert.ok(parsed.success, `off the contract: ${JSON.stringify(f)}`);
  return f;
}

/** Sends notifications.subscribe and answers the `notifications.subscribed` frame. */
async function follow(
  ws: WsClient,
  resume: { after?: number; epoch?: string } = {},
): Promise<Frame> {
  ws.send({ type: "notifications.subscribe", ...resume });
  return onContract(
    await ws.next((f) => f.type === "notifications.subscribed"),
  );
}

/** Waits for the notification.new with `seq` on a socket. */
async function notification(ws: WsClient, seq: number): Promise<Frame> {
  return onContract(
    await ws.next((f) => f.type === "notification.new" && f.seq === seq),
  );
}

/** The seqs of every notification.new a socket received, in arrival order. */
const seqsOf = (ws: WsClient) =>
  ws.frames.filter((f) => f.type === "notification.new").map((f) => f.seq);

/** GET /notifications for a user (optionally only unread ones). */
async function listFor(base: string, u: TestUser, query = "") {
  return ok(await api(base, `/notifications${query}`, { token: u.token }));
}

const authorOf = (u: TestUser) => ({
  id: u.user.id,
  handle: u.user.handle,
  displayName: u.user.displayName,
});

Deno.test("notifications - mentions reach members' own streams, resume, and are marked read", async (t) => {
  const server = await startServer();
  const base = server.url;
  const open: WsClient[] = [];
  const connected = async (u: TestUser) => {
    const { ws } = await connect(base, u);
    open.push(ws);
    return ws;
  };
  try {
    const ann = await registerUser(base, "ann");
    const bob = await registerUser(base, "bob");
    const cy = await registerUser(base, "cy");
    const room = (await createRoom(base, ann, HERE)).id;
    await joinRoom(base, bob, room, HERE);
    const annWs = await connected(ann);
    const bobWs = await connected(bob);
    const cyWs = await connected(cy);
    const first = await follow(bobWs);
    // Seq 1 on bob's stream is his join's inbox.changed: notifications start at 2.
    assert.equal(first.seq, 1);
    assert.equal(first.recovered, true);
    const epoch = first.epoch as string;
    await follow(annWs);
    await follow(cyWs);
    const mention = `hi @${bob.user.handle} and @${cy.user.handle}, look`;
    let m1 = 0;
    let n1: Frame | null = null;

    await t.step(
      "notifications - a mention reaches a member with excerpt, author, room and seq",
      async () => {
        const msg = ok(await sendMessage(base, ann, room, mention, "n-1"), 201);
        m1 = msg.seq;
        assert.deepEqual(
          msg.mentions,
          [bob.user.id],
          "only the member is listed",
        );
        n1 = await notification(bobWs, 2);
        assert.deepEqual(n1.notification, {
          seq: 2,
          kind: "mention",
          roomId: room,
          messageSeq: m1,
          from: authorOf(ann),
          excerpt: mention,
          at: n1.notification.at,
          read: false,
        });
        assert.ok(!Number.isNaN(Date.parse(n1.notification.at)));
      },
    );

    await t.step(
      "notifications - a non-member and the author mentioning themselves get nothing",
      async () => {
        assert.deepEqual(await listFor(base, cy), {
          items: [],
          cursor: null,
          unread: 0,
          head: 0,
        });
        const self = ok(
          await sendMessage(
            base,
            ann,
            room,
            `note to @${ann.user.handle}`,
            "n-s",
          ),
          201,
        );
        assert.deepEqual(self.mentions, []);
        assert.deepEqual((await listFor(base, ann)).items, []);
        // Ann's first notification being seq 1, and cy's seq 2 after his join's
        // inbox.changed, shows nothing else was stored before them.
        await joinRoom(base, cy, room, HERE);
        ok(
          await sendMessage(
            base,
            bob,
            room,
            `@${ann.user.handle} @${cy.user.handle}`,
            "n-b",
          ),
          201,
        );
        for (
          const [ws, u, seq] of [[annWs, ann, 1], [cyWs, cy, 2]] as const
        ) {
          const n = await notification(ws, seq);
          assert.deepEqual(n.notification.from, authorOf(bob));
          assert.deepEqual(seqsOf(ws), [seq], `${u.user.handle}'s stream`);
        }
      },
    );

    await t.step(
      "notifications - GET lists it unread and POST read makes unread 0",
      async () => {
        const page = await listFor(base, bob);
        assert.equal(page.unread, 1);
        assert.equal(page.head, 2, "the count reflects the stream up to seq 2");
        assert.deepEqual(page.items, [n1!.notification]);
        assert.equal(
          (await listFor(base, bob, "?unread=true")).items.length,
          1,
        );
        ok(
          await api(base, "/notifications/read", {
            token: bob.token,
            body: { upto: 2 },
          }),
          204,
        );
        const after = await listFor(base, bob);
        assert.equal(after.unread, 0);
        assert.deepEqual(after.items, [{ ...n1!.notification, read: true }]);
        assert.deepEqual((await listFor(base, bob, "?unread=true")).items, []);
      },
    );

    let head = 0;
    await t.step(
      "notifications - resuming with after and epoch replays exactly the missed ones",
      async () => {
        await bobWs.close();
        const m2 = ok(
          await sendMessage(base, ann, room, `@${bob.user.handle} two`, "n-2"),
          201,
        );
        const m3 = await wsSendOk(
          annWs,
          room,
          `@${bob.user.handle} three`,
          "n-3",
        );
        const back = await connected(bob);
        const sub = await follow(back, { after: 2, epoch });
        assert.equal(sub.recovered, true);
        assert.equal(sub.seq, 2);
        assert.equal(sub.epoch, epoch);
        assert.equal(
          (await notification(back, 3)).notification.messageSeq,
          m2.seq,
        );
        assert.equal(
          (await notification(back, 4)).notification.messageSeq,
          m3.seq,
        );
        const m4 = ok(
          await sendMessage(base, ann, room, `@${bob.user.handle} four`, "n-4"),
          201,
        );
        assert.equal(
          (await notification(back, 5)).notification.messageSeq,
          m4.seq,
        );
        assert.deepEqual(
          seqsOf(back),
          [3, 4, 5],
          "exactly the missed, then live",
        );
        head = 5;
        assert.equal((await listFor(base, bob)).unread, 3);
      },
    );

    await t.step(
      "notifications - a wrong epoch answers recovered:false from the head",
      async () => {
        const ws = await connected(bob);
        const sub = await follow(ws, { after: 1, epoch: "not-the-epoch" });
        assert.equal(sub.recovered, false);
        assert.equal(sub.seq, head);
        assert.equal(sub.epoch, epoch);
        ok(
          await sendMessage(base, ann, room, `@${bob.user.handle} five`, "n-5"),
          201,
        );
        await notification(ws, head + 1);
        assert.deepEqual(seqsOf(ws), [head + 1], "no replay without recovery");
      },
    );

    await t.step(
      "notifications - deleting the mentioning message empties the excerpt",
      async () => {
        ok(await deleteMessage(base, ann, room, m1));
        const items = (await listFor(base, bob)).items as {
          messageSeq: number;
          excerpt: string;
        }[];
        const deleted = items.find((n) => n.messageSeq === m1);
        assert.equal(deleted?.excerpt, "");
        assert.ok(
          items.filter((n) => n.messageSeq !== m1).every((n) =>
            n.excerpt.startsWith(`@${bob.user.handle} `)
          ),
          "other excerpts are kept",
        );
        assert.ok(!JSON.stringify(items).includes(mention));
      },
    );
  } finally {
    await Promise.all(open.map((ws) => ws.close()));
    assert.equal(await server.stop(), 0);
  }
});
