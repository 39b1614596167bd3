import assert from "node:assert/strict";
import {
  api,
  createRoom,
  joinRoom,
  registerUser,
  type TestUser,
} from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";
import { MAX_SUBSCRIPTIONS } from "../../lib/shared/protocol.ts";
import {
  connect,
  connectOnBothIsolates,
  type Frame,
  messagesIn,
  openWs,
  pickSenders,
  rawUpgrade,
  subscribe,
  within,
  type WsClient,
} from "../helpers/ws.ts";

const AT = { lat: 52.52, lng: 13.405 };
const VENUE = "https://venue.example";

const seqsOf = (ws: WsClient, room: string) =>
  messagesIn(ws, room).map((f) => f.message.seq as number);
const isSeq = (seq: number) => (f: Frame) =>
  f.type === "message.new" && f.message.seq === seq;
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Posts a message over HTTP and returns the stored message. */
async function post(base: string, u: TestUser, room: string, clientId: string) {
  const res = await api(base, `/rooms/${room}/messages`, {
    token: u.token,
    body: { text: `text ${clientId}`, clientId },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

Deno.test("ws - handshake: credentials, origin and upgrade are checked first", async (t) => {
  const server = await startServer({ VICINITY_ALLOWED_ORIGINS: VENUE });
  const base = server.url;
  try {
    const owner = await registerUser(base, "hs");
    const bearer = { authorization: `Bearer ${owner.token}` };

    await t.step(
      "a bad bearer token or cookie gets 401 and no socket",
      async () => {
        const bad: Record<string, string>[] = [
          { authorization: "Bearer nope" },
          { cookie: "vicinity_session=nope" },
        ];
        for (const h of bad) {
          const res = await rawUpgrade(base, h);
          assert.equal(res.status, 401);
          assert.match(res.head, /content-type: application\/json/i);
          assert.equal(res.body.error.code, "unauthorized");
          await assert.rejects(openWs(base, h), /failed to open/);
        }
      },
    );

    await t.step("a foreign Origin gets 403 before the upgrade", async () => {
      const h = { ...bearer, origin: "https://evil.example" };
      const res = await rawUpgrade(base, h);
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, "origin_not_allowed");
      await assert.rejects(openWs(base, h), /failed to open/);
    });

    await t.step(
      "the own origin and a configured origin are accepted",
      async () => {
        for (const origin of [base, VENUE]) {
          const ws = await openWs(base, { cookie: owner.cookie, origin });
          const ready = await ws.next((f) => f.type === "ready");
          assert.equal(ready.user.id, owner.user.id);
          assert.match(ready.isolate, /^[0-9a-f]{8}$/);
          await ws.close();
        }
      },
    );

    await t.step("a plain GET gets 426 in the error shape", async () => {
      const res = await api(base, "/ws");
      assert.equal(res.status, 426);
      assert.match(res.type, /application\/json/);
      assert.equal(res.body.error.code, "upgrade_required");
    });

    await t.step("an auth first frame signs a socket in", async () => {
      const ws = await openWs(base);
      ws.send({ type: "auth", token: owner.token });
      const ready = await ws.next((f) => f.type === "ready");
      assert.equal(ready.user.id, owner.user.id);
      ws.send({ type: "ping", id: "p1" });
      assert.equal((await ws.next((f) => f.type === "pong")).id, "p1");
      await ws.close();
    });

    await t.step("any other first frame closes 1008", async () => {
      const ws = await openWs(base);
      ws.send({ type: "ping" });
      assert.equal((await within(ws.closed, 5_000, "close")).code, 1008);
      assert.equal(ws.frames.length, 0);
    });

    await t.step("a bad auth token closes 1008", async () => {
      const ws = await openWs(base);
      ws.send({ type: "auth", token: "not-a-session" });
      assert.equal((await within(ws.closed, 5_000, "close")).code, 1008);
      assert.equal(ws.frames[0]?.code, "unauthorized");
    });

    await t.step("no auth within 5 s closes 1008", async () => {
      const ws = await openWs(base);
      const t0 = Date.now();
      const ev = await within(ws.closed, 9_000, "auth timeout close");
      assert.equal(ev.code, 1008);
      assert.ok(Date.now() - t0 >= 4_000, "closed before the 5 s grace");
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("ws - frames: membership, bad frames, idempotency and resume", async (t) => {
  const server = await startServer();
  const base = server.url;
  try {
    const owner = await registerUser(base, "fr");
    const member = await registerUser(base, "mb");
    const room = (await createRoom(base, owner, AT)).id;
    await joinRoom(base, member, room, AT);

    await t.step(
      "subscribing to a room not joined answers not_member",
      async () => {
        const stranger = await registerUser(base, "st");
        const { ws } = await connect(base, stranger);
        const err = await subscribe(ws, room);
        assert.equal(err.type, "error");
        assert.equal(err.code, "not_member");
        assert.equal(err.room, room);
        const missing = await subscribe(ws, "01ARZ3NDEKTSV4RRFFQ69G5FAV");
        assert.equal(missing.code, "not_found");
        await ws.close();
      },
    );

    await t.step(
      "bad frames get an error frame and the socket stays usable",
      async () => {
        const { ws } = await connect(base, owner);
        const bad = [
          "{not json",
          JSON.stringify({ type: "nope" }),
          JSON.stringify({ type: "subscribe", room: "x" }),
          JSON.stringify({
            type: "message.send",
            room,
            text: "x".repeat(4001),
            clientId: "too-long",
          }),
        ];
        for (const frame of bad) {
          ws.send(frame);
          const err = await ws.next((f) => f.type === "error");
          assert.equal(err.code, "invalid_request", frame.slice(0, 40));
        }
        assert.equal(ws.frames.at(-1)?.clientId, "too-long");
        const sub = await subscribe(ws, room);
        assert.equal(sub.type, "subscribed");
        ws.send({ type: "ping", id: "still-here" });
        assert.equal(
          (await ws.next((f) => f.type === "pong")).id,
          "still-here",
        );
        await ws.close();
      },
    );

    await t.step(
      "a subscription past the cap answers too_many_subscriptions",
      async () => {
        const owners = [owner, member, await registerUser(base, "cap")];
        const rooms: string[] = [];
        for (const o of owners) {
          for (let i = 0; i <= MAX_SUBSCRIPTIONS / 3; i++) {
            const id = (await createRoom(base, o, AT)).id;
            if (o !== owner) await joinRoom(base, owner, id, AT);
            rooms.push(id);
          }
        }
        const { ws } = await connect(base, owner);
        for (const r of rooms.slice(0, MAX_SUBSCRIPTIONS)) {
          assert.equal((await subscribe(ws, r)).type, "subscribed");
        }
        const over = await subscribe(ws, rooms[MAX_SUBSCRIPTIONS]);
        assert.equal(over.code, "too_many_subscriptions");
        ws.send({ type: "unsubscribe", room: rooms[0] });
        await ws.next((f) => f.type === "unsubscribed" && f.room === rooms[0]);
        const now = await subscribe(ws, rooms[MAX_SUBSCRIPTIONS]);
        assert.equal(now.type, "subscribed");
        await ws.close();
      },
    );

    await t.step(
      "a flood of frames is cut off by the server (and it still exits cleanly)",
      async () => {
        const stranger = await registerUser(base, "fl");
        const { ws } = await connect(base, stranger);
        for (let i = 0; i < 1_000; i++) ws.send({ type: "subscribe", room });
        // Deno turns a server close that crosses the client's in-flight frames into an
        // abnormal close (code 0) on both ends; tests/unit/hub_test.ts pins the 1008 itself.
        // Such a close used to hang `deno serve` on SIGTERM: the finally's exit code guards it.
        const ev = await within(ws.closed, 5_000, "close");
        assert.ok([1008, 0].includes(ev.code), `closed ${ev.code}`);
        assert.ok(ws.frames.length < 100, "the flood was handled to the end");
      },
    );

    await t.step("a binary frame closes 1003", async () => {
      const { ws } = await connect(base, owner);
      ws.socket.send(new Uint8Array([1, 2, 3]));
      assert.equal((await within(ws.closed, 5_000, "close")).code, 1003);
    });

    await t.step("a frame over the size cap closes 1009", async () => {
      const { ws } = await connect(base, owner);
      ws.send({ type: "ping", id: "y".repeat(40_000) });
      assert.equal((await within(ws.closed, 5_000, "close")).code, 1009);
    });

    await t.step(
      "a retried clientId acks the original and is delivered once",
      async () => {
        const { ws: sender } = await connect(base, owner);
        const { ws: watcher } = await connect(base, member);
        await subscribe(watcher, room);
        const send = {
          type: "message.send",
          room,
          text: "once",
          clientId: "dup-1",
        };
        sender.send(send);
        sender.send(send);
        const a = await sender.next((f) => f.type === "message.ack");
        const b = await sender.next((f) => f.type === "message.ack");
        assert.equal(a.clientId, "dup-1");
        assert.equal(a.message.id, b.message.id);
        await post(base, owner, room, "after-dup");
        await watcher.next((f) =>
          f.type === "message.new" && f.message.clientId === "after-dup"
        );
        const seen = messagesIn(watcher, room).map((f) => f.message.clientId);
        assert.deepEqual(seen, ["dup-1", "after-dup"]);
        const viaHttp = await api(base, `/rooms/${room}/messages`, {
          token: owner.token,
          body: { text: "once", clientId: "dup-1" },
        });
        assert.equal(viaHttp.status, 200);
        assert.equal(viaHttp.body.id, a.message.id);
        await sender.close();
        await watcher.close();
      },
    );

    await t.step(
      "resume with after gets exactly the missed messages, then live",
      async () => {
        const r = (await createRoom(base, owner, AT)).id;
        const { ws: first } = await connect(base, owner);
        assert.equal((await subscribe(first, r)).seq, 0);
        for (let i = 1; i <= 5; i++) await post(base, owner, r, `r${i}`);
        await first.next(isSeq(5));
        assert.deepEqual(seqsOf(first, r), range(1, 5));
        await first.close();
        for (let i = 6; i <= 10; i++) await post(base, owner, r, `r${i}`);
        const { ws: second } = await connect(base, owner);
        assert.equal((await subscribe(second, r, 5)).seq, 5);
        await second.next(isSeq(10));
        await post(base, owner, r, "r11");
        await second.next(isSeq(11));
        assert.deepEqual(seqsOf(second, r), range(6, 11));
        const texts = messagesIn(second, r).map((f) => f.message.text);
        assert.deepEqual(texts, range(6, 11).map((i) => `text r${i}`));
        const { ws: fresh } = await connect(base, member);
        await joinRoom(base, member, r, AT);
        // The join is an event too (seq 12): a fresh subscription starts after it.
        const sub = await subscribe(fresh, r);
        assert.equal(sub.seq, 12);
        assert.equal(sub.recovered, true);
        await post(base, owner, r, "r13");
        await fresh.next(isSeq(13));
        assert.deepEqual(seqsOf(fresh, r), [13]);
        await second.close();
        await fresh.close();
      },
    );
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("ws - a burst sent on every isolate reaches every socket in order, once", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const users = await Promise.all(
      range(1, 6).map(() => registerUser(base, "b")),
    );
    const room = (await createRoom(base, users[0], AT)).id;
    for (const u of users.slice(1)) await joinRoom(base, u, room, AT);
    const sockets = await connectOnBothIsolates(base, users, 6);
    // Five joins took seqs 1..5 of the room's log; messages follow from 6.
    for (const s of sockets) assert.equal((await subscribe(s.ws, room)).seq, 5);
    // Three WebSocket senders (distinct users, both isolates) and two HTTP senders.
    const wsSenders = pickSenders(sockets, 3);
    assert.equal(new Set(wsSenders.map((s) => s.isolate)).size, 2);
    const httpSenders = users.filter((u) =>
      !wsSenders.some((w) => w.user === u)
    ).slice(0, 2);
    assert.equal(httpSenders.length, 2);
    const acks = new Map<string, string>();
    const viaWs = wsSenders.map(async (s, k) => {
      for (let j = 0; j < 40; j++) {
        s.ws.send({
          type: "message.send",
          room,
          text: `w${k}-${j}`,
          clientId: `w${k}-${j}`,
        });
      }
      for (let j = 0; j < 40; j++) {
        const ack = await s.ws.next((f) => f.type === "message.ack", 20_000);
        acks.set(ack.clientId, ack.message.id);
        assert.equal(ack.message.clientId, ack.clientId);
      }
    });
    const viaHttp = httpSenders.map(async (u, k) => {
      for (let j = 0; j < 40; j++) {
        const m = await post(base, u, room, `h${k}-${j}`);
        acks.set(m.clientId, m.id);
      }
    });
    // Two more sockets join mid-burst and replay from 0 while live delivery continues.
    await sockets[0].ws.next(isSeq(55), 20_000);
    const late = [await connect(base, users[1]), await connect(base, users[2])];
    for (const l of late) assert.equal((await subscribe(l.ws, room, 0)).seq, 0);
    await Promise.all([...viaWs, ...viaHttp]);
    assert.equal(acks.size, 200);
    await post(base, users[0], room, "sentinel");
    const all = [...sockets, ...late];
    for (const s of all) await s.ws.next(isSeq(206), 20_000);
    const reference = messagesIn(all[0].ws, room).map((f) => f.message);
    assert.deepEqual(reference.map((m) => m.seq), range(6, 206));
    assert.equal(new Set(reference.map((m) => m.id)).size, 201);
    // Late sockets replayed the whole log, joins included, with no gap or repeat.
    for (const l of late) {
      const events = l.ws.frames.filter((f) => f.room === room && f.seq);
      assert.deepEqual(events.map((f) => f.seq), range(1, 206));
      assert.deepEqual(
        events.slice(0, 5).map((f) => f.type),
        Array(5).fill("member.joined"),
      );
    }
    for (const s of all) {
      const ids = messagesIn(s.ws, room).map((f) => f.message.id);
      assert.deepEqual(
        ids,
        reference.map((m) => m.id),
        `socket on ${s.isolate}`,
      );
    }
    for (const m of reference.slice(0, 200)) {
      assert.equal(acks.get(m.clientId), m.id);
    }
    await Promise.all(all.map((s) => s.ws.close()));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("ws - SIGTERM closes every socket with 1001 and the server exits 0 promptly", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const owner = await registerUser(base, "sig");
    const room = (await createRoom(base, owner, AT)).id;
    const sockets = await connectOnBothIsolates(base, [owner], 3);
    for (const s of sockets) await subscribe(s.ws, room);
    const t0 = Date.now();
    // deno serve itself also sends 1001 on SIGTERM; hub_test.ts pins the hub's own close.
    assert.equal(await server.stop(), 0);
    assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
    for (const s of sockets) {
      assert.equal((await within(s.ws.closed, 1_000, "close")).code, 1001);
    }
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
