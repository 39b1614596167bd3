import assert from "node:assert/strict";
import {
  api,
  type ApiResult,
  createRoom,
  joinRoom,
  registerUser,
  sendMessage,
} from "../helpers/api.ts";
import {
  connectOn,
  frameFrom,
  presenceChange,
  readKvFile,
} from "../helpers/events.ts";
import { openRawSocket, type RawSocket } from "../helpers/raw_ws.ts";
import { startServer } from "../helpers/server.ts";
import {
  connect,
  type Frame,
  subscribe,
  type WsClient,
} from "../helpers/ws.ts";
import { keys } from "../../lib/db/keys.ts";
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

/** Subscribes and waits for the room's presence.state; answers it. */
async function join(ws: WsClient, room: string): Promise<Frame> {
  const sub = await subscribe(ws, room);
  assert.equal(sub.type, "subscribed", JSON.stringify(sub));
  return onContract(
    await ws.next((f) => f.type === "presence.state" && f.room === room),
  );
}

/** A presence frame's people as userId → status. */
const statuses = (people: { userId: string; status: string }[]) =>
  Object.fromEntries(people.map((p) => [p.userId, p.status]));

/** Sends a ping and waits for its pong: every frame the server sent before it has arrived. */
async function barrier(ws: WsClient, id: string) {
  ws.send({ type: "ping", id });
  await ws.next((f) => f.type === "pong" && f.id === id);
}

const byUser = (a: { userId: string }, b: { userId: string }) =>
  a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;

Deno.test("live - presence, typing and receipts across two isolates", async (t) => {
  const server = await startServer();
  const base = server.url;
  const open: WsClient[] = [];
  const raws: RawSocket[] = [];
  try {
    const ann = await registerUser(base, "ann");
    const bob = await registerUser(base, "bob");
    const cat = await registerUser(base, "cat");
    const room = (await createRoom(base, ann, HERE)).id;
    await joinRoom(base, bob, room, HERE);
    await joinRoom(base, cat, room, HERE);
    // Dan writes: sending moves the sender's own mark, and the others' marks are under test.
    const dan = await registerUser(base, "dan");
    await joinRoom(base, dan, room, HERE);
    const sent = [];
    for (const text of ["one", "two", "three"]) {
      sent.push(ok(await sendMessage(base, dan, room, text, `c-${text}`), 201));
    }
    const [s1, s2, s3] = sent.map((m) => m.seq as number);

    const a1 = await connect(base, ann);
    const b1 = await connectOn(base, bob, (iso) => iso !== a1.isolate);
    open.push(a1.ws, b1.ws);
    const presenceApi = async () => {
      const body = ok(
        await api(base, `/rooms/${room}/presence`, {
          token: ann.token,
        }),
      );
      return { people: statuses(body.items), online: body.online };
    };

    await t.step(
      "presence - users on different isolates see each other online",
      async () => {
        const first = await join(a1.ws, room);
        assert.deepEqual(statuses(first.users), { [ann.user.id]: "online" });
        const second = await join(b1.ws, room);
        assert.deepEqual(statuses(second.users), {
          [ann.user.id]: "online",
          [bob.user.id]: "online",
        });
        assert.equal(second.online, 2);
        const { frame } = await presenceChange(
          a1.ws,
          room,
          bob.user.id,
          "online",
        );
        onContract(frame);
        assert.equal(frame.online, 2);
        assert.deepEqual(await presenceApi(), {
          people: { [ann.user.id]: "online", [bob.user.id]: "online" },
          online: 2,
        });
      },
    );

    await t.step(
      "presence - presence.set dnd shows as dnd to the other",
      async () => {
        const since = a1.ws.frames.length;
        b1.ws.send({ type: "presence.set", status: "dnd" });
        const dnd = await presenceChange(a1.ws, room, bob.user.id, "dnd", {
          since,
        });
        const change = dnd.change;
        assert.equal(change.lastSeenAt, null);
        assert.deepEqual((await presenceApi()).people, {
          [ann.user.id]: "online",
          [bob.user.id]: "dnd",
        });
      },
    );

    await t.step(
      "presence - a person with two tabs stays online when one tab closes",
      async () => {
        // The second tab sits on bob's isolate and goes dnd, so its close is visible: dnd → online.
        const a2 = await connectOn(base, ann, (iso) => iso === b1.isolate);
        open.push(a2.ws);
        const since = b1.ws.frames.length;
        const state = await join(a2.ws, room);
        assert.equal(statuses(state.users)[ann.user.id], "online");
        a2.ws.send({ type: "presence.set", status: "dnd" });
        await presenceChange(b1.ws, room, ann.user.id, "dnd", { since });
        await presenceChange(a1.ws, room, ann.user.id, "dnd", { since: 0 });
        await a2.ws.close();
        const back = await presenceChange(b1.ws, room, ann.user.id, "online", {
          since,
        });
        assert.equal(back.frame.online, 2);
        const offline = b1.ws.frames.slice(since).filter((f) =>
          f.type === "presence.update" &&
          f.changes.some((c: { userId: string; status: string }) =>
            c.userId === ann.user.id && c.status === "offline"
          )
        );
        assert.deepEqual(offline, [], "ann never went offline");
        assert.equal((await presenceApi()).people[ann.user.id], "online");
      },
    );

    await t.step(
      "presence - a socket killed without a close frame converges to offline with lastSeenAt",
      async () => {
        const since = { a: a1.ws.frames.length, b: b1.ws.frames.length };
        const before = Date.now();
        const raw = await openRawSocket(base, cat.token);
        raws.push(raw);
        await raw.send({ type: "subscribe", room });
        const sub = await raw.next((f) =>
          (f.type === "subscribed" || f.type === "error") && f.room === room
        );
        assert.equal(sub.type, "subscribed", JSON.stringify(sub));
        await presenceChange(a1.ws, room, cat.user.id, "online", {
          since: since.a,
        });
        await presenceChange(b1.ws, room, cat.user.id, "online", {
          since: since.b,
        });
        await raw.kill();
        for (const ws of [a1.ws, b1.ws]) {
          const { frame, change } = await presenceChange(
            ws,
            room,
            cat.user.id,
            "offline",
            { since: ws === a1.ws ? since.a : since.b, timeoutMs: 15_000 },
          );
          onContract(frame);
          assert.equal(frame.online, 2);
          assert.equal(typeof change.lastSeenAt, "string");
          const seen = Date.parse(change.lastSeenAt!);
          assert.ok(
            seen >= before - 1_000 && seen <= Date.now() + 1_000,
            `lastSeenAt ${change.lastSeenAt} is not the time it was connected`,
          );
        }
        assert.deepEqual(await presenceApi(), {
          people: { [ann.user.id]: "online", [bob.user.id]: "dnd" },
          online: 2,
        });
      },
    );

    await t.step(
      "typing - reaches the other isolate once within 2 s and is not echoed",
      async () => {
        const since = b1.ws.frames.length;
        a1.ws.send({ type: "typing", room });
        a1.ws.send({ type: "typing", room });
        await barrier(a1.ws, "typed");
        const typing = onContract(
          await frameFrom(b1.ws, since, (f) => f.type === "typing"),
        );
        assert.equal(typing.room, room);
        assert.deepEqual(typing.user, {
          id: ann.user.id,
          handle: ann.user.handle,
          displayName: ann.user.displayName,
        });
        // A receipt relayed after both typing frames: anything the second one caused is in by then.
        a1.ws.send({ type: "read.mark", room, seq: s1 });
        await frameFrom(
          b1.ws,
          since,
          (f) =>
            f.type === "receipt.update" && f.userId === ann.user.id &&
            f.seq === s1,
        );
        const got = b1.ws.frames.slice(since).filter((f) =>
          f.type === "typing"
        );
        assert.equal(
          got.length,
          1,
          "the second typing within 2 s is throttled",
        );
        assert.deepEqual(
          a1.ws.frames.filter((f) => f.type === "typing"),
          [],
          "your own typing is not echoed",
        );
      },
    );

    await t.step(
      "typing - in a room the socket does not follow answers not_subscribed",
      async () => {
        const { ws } = await connect(base, ann);
        open.push(ws);
        ws.send({ type: "typing", room });
        const err = onContract(await ws.next((f) => f.type === "error"));
        assert.equal(err.code, "not_subscribed");
        assert.equal(err.room, room);
      },
    );

    const marks = (f: Frame) =>
      (f.marks as { userId: string; seq: number }[]).toSorted(byUser);
    const receiptsApi = async () =>
      ok(await api(base, `/rooms/${room}/receipts`, { token: bob.token }))
        .items.toSorted(byUser);
    const receiptsState = async () => {
      const { ws } = await connect(base, bob);
      open.push(ws);
      assert.equal((await subscribe(ws, room)).type, "subscribed");
      const f = await ws.next((f) =>
        f.type === "receipts.state" && f.room === room
      );
      onContract(f);
      await ws.close();
      return marks(f);
    };

    await t.step(
      "receipts - read.mark reaches others; receipts.state and GET receipts agree",
      async () => {
        const since = { a: a1.ws.frames.length, b: b1.ws.frames.length };
        a1.ws.send({ type: "read.mark", room, seq: s2 });
        const update = onContract(
          await frameFrom(
            b1.ws,
            since.b,
            (f) =>
              f.type === "receipt.update" && f.userId === ann.user.id &&
              f.seq === s2,
          ),
        );
        assert.equal(update.room, room);
        ok(
          await api(base, `/rooms/${room}/read`, {
            token: bob.token,
            body: { seq: s3 },
          }),
          204,
        );
        await frameFrom(
          a1.ws,
          since.a,
          (f) =>
            f.type === "receipt.update" && f.userId === bob.user.id &&
            f.seq === s3,
        );
        const expected = [
          { userId: ann.user.id, seq: s2 },
          { userId: bob.user.id, seq: s3 },
          { userId: dan.user.id, seq: s3 },
        ].toSorted(byUser);
        assert.deepEqual(await receiptsState(), expected);
        assert.deepEqual(await receiptsApi(), expected);
      },
    );

    await t.step(
      "receipts - a private reader's mark counts but is never shown",
      async () => {
        const c1 = await connect(base, cat);
        open.push(c1.ws);
        await join(c1.ws, room);
        // Shown while public, so the silence below is the preference, not a broken path.
        let since = b1.ws.frames.length;
        c1.ws.send({ type: "read.mark", room, seq: s1 });
        await frameFrom(
          b1.ws,
          since,
          (f) =>
            f.type === "receipt.update" && f.userId === cat.user.id &&
            f.seq === s1,
        );

        const prefs = { privateReading: true };
        assert.deepEqual(
          ok(
            await api(base, "/me/prefs", {
              method: "PUT",
              token: cat.token,
              body: prefs,
            }),
          ),
          prefs,
        );
        assert.deepEqual(
          ok(await api(base, "/me/prefs", { token: cat.token })),
          prefs,
        );
        since = b1.ws.frames.length;
        const sinceA = a1.ws.frames.length;
        ok(
          await api(base, `/rooms/${room}/read`, {
            token: cat.token,
            body: { seq: s2 },
          }),
          204,
        );
        c1.ws.send({ type: "read.mark", room, seq: s3 });
        // Typing rides the same relay after the read.mark: once it is in, a receipt would be too.
        c1.ws.send({ type: "typing", room });
        await barrier(c1.ws, "private");
        for (const [ws, from] of [[b1.ws, since], [a1.ws, sinceA]] as const) {
          await frameFrom(
            ws,
            from,
            (f) => f.type === "typing" && f.user.id === cat.user.id,
          );
          assert.deepEqual(
            ws.frames.slice(from).filter((f) =>
              f.type === "receipt.update" && f.userId === cat.user.id
            ),
            [],
            "a private reader's receipt was shown",
          );
        }
        assert.deepEqual(
          c1.ws.frames.filter((f) => f.type === "error"),
          [],
          "a private read.mark is not an error",
        );
        const expected = [
          { userId: ann.user.id, seq: s2 },
          { userId: bob.user.id, seq: s3 },
          { userId: dan.user.id, seq: s3 },
        ].toSorted(byUser);
        assert.deepEqual(await receiptsState(), expected);
        assert.deepEqual(await receiptsApi(), expected);
        const mine = await readKvFile<{ seq: number }>(
          server.kvPath,
          keys.readMark(room, cat.user.id),
        );
        assert.equal(mine?.seq, s3, "the private reader's own mark moved");
      },
    );
  } finally {
    await Promise.all(raws.map((r) => r.kill()));
    await Promise.all(open.map((ws) => ws.close()));
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("presence - with BroadcastChannel off, KV polling converges online and offline across isolates", async () => {
  const server = await startServer({ VICINITY_BROADCAST: "off" });
  const base = server.url;
  const open: WsClient[] = [];
  const raws: RawSocket[] = [];
  try {
    const ann = await registerUser(base, "ann");
    const bob = await registerUser(base, "bob");
    const room = (await createRoom(base, ann, HERE)).id;
    await joinRoom(base, bob, room, HERE);
    const a = await connect(base, ann);
    open.push(a.ws);
    await join(a.ws, room);

    let raw: RawSocket | null = null;
    for (let i = 0; i < 40 && !raw; i++) {
      const r = await openRawSocket(base, bob.token);
      if (r.isolate !== a.isolate) raw = r;
      else await r.kill();
    }
    assert.ok(raw, "40 raw sockets in a row landed on ann's isolate");
    raws.push(raw);
    await raw.send({ type: "subscribe", room });
    const state = await raw.next((f) =>
      f.type === "presence.state" && f.room === room
    );
    assert.deepEqual(statuses(state.users), {
      [ann.user.id]: "online",
      [bob.user.id]: "online",
    });

    // No hints cross isolates: only the 15 s poll of KV can tell ann's isolate.
    await presenceChange(a.ws, room, bob.user.id, "online", {
      timeoutMs: 25_000,
    });
    await raw.kill();
    const { change } = await presenceChange(
      a.ws,
      room,
      bob.user.id,
      "offline",
      {
        timeoutMs: 25_000,
      },
    );
    assert.equal(typeof change.lastSeenAt, "string");
    const body = ok(
      await api(base, `/rooms/${room}/presence`, {
        token: ann.token,
      }),
    );
    assert.deepEqual(statuses(body.items), { [ann.user.id]: "online" });
    assert.equal(body.online, 1);
  } finally {
    await Promise.all(raws.map((r) => r.kill()));
    await Promise.all(open.map((ws) => ws.close()));
    assert.equal(await server.stop(), 0);
  }
});
