import assert from "node:assert/strict";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import { openConnection } from "../../lib/chat/connection.ts";
import { createHub, type Hub } from "../../lib/chat/hub.ts";
import { createSession, DEFAULT_FLOW } from "../../lib/chat/session.ts";
import { subscribeRoom } from "../../lib/chat/subscriptions.ts";
import type { User } from "../../lib/db/users.ts";
import { createServices } from "../../lib/services/mod.ts";
import { FRAME_BURST } from "../../lib/shared/protocol.ts";
import { authorOf } from "../../lib/services/rooms.ts";
import { openTestStore } from "../helpers/store.ts";
import { type Frame, openWs, within } from "../helpers/ws.ts";

const RETENTION_MS = 60_000;

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Services and a hub over an in-memory KV with one room owned by `owner`. */
async function setup() {
  const store = await openTestStore();
  const { kv } = store;
  const services = createServices(store, {
    sessionTtlMs: 60_000,
    eventRetentionMs: RETENTION_MS,
  });
  const owner = await services.repos.users.createUser({
    handle: "unit_owner",
    displayName: "Unit",
    password: DECOY_HASH,
  });
  const room = await services.repos.rooms.createRoom(owner.id, {
    name: "Unit room",
    description: "",
    lat: 52.52,
    lng: 13.405,
    radiusM: 300,
    category: "social",
  });
  let n = 0;
  const post = async (count: number, text = "m") => {
    for (let i = 0; i < count; i++, n++) {
      await services.repos.messages.createMessage(room.id, {
        author: authorOf(owner),
        text,
        clientId: `c${n}`,
        category: "social",
        mentions: [],
      });
    }
  };
  const hub = createHub({ kv, services, broadcast: false });
  const done = async () => {
    await hub.close();
    kv.close();
  };
  return { store, kv, services, hub, owner, room: room.id, post, done };
}

/** Serves the hub's sockets on 127.0.0.1, every connection as `user`. */
function serve(hub: Hub, user: User) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      hub.accept(socket, user);
      return response;
    },
  );
  return { server, base: `http://127.0.0.1:${server.addr.port}` };
}

/** A stand-in socket whose buffer and state the test controls; it records what is sent. */
function fakeSocket() {
  const state = {
    readyState: WebSocket.OPEN as number,
    bufferedAmount: 0,
    sent: [] as Frame[],
    codes: [] as number[],
    closed: Promise.withResolvers<number>(),
  };
  const wakers = new Set<() => void>();
  const socket = {
    get readyState() {
      return state.readyState;
    },
    get bufferedAmount() {
      return state.bufferedAmount;
    },
    send(text: string) {
      state.sent.push(JSON.parse(text));
      for (const w of [...wakers]) w();
    },
    close(code: number) {
      state.codes.push(code);
      state.readyState = WebSocket.CLOSING;
      state.closed.resolve(code);
    },
  } as unknown as WebSocket;
  /** Waits (up to 5 s) for a sent frame matching `match`. */
  const sentFrame = (match: (f: Frame) => boolean, what: string) => {
    const found = () => state.sent.find(match);
    if (found()) return Promise.resolve(found()!);
    let w = () => {};
    return within(
      new Promise<Frame>((r) => {
        wakers.add(w = () => void (found() && r(found()!)));
      }),
      5_000,
      what,
    ).finally(() => wakers.delete(w));
  };
  return { socket, state, sentFrame };
}

Deno.test("hub - close ends every socket with 1001 and stops every watch", async () => {
  const { hub, owner, room, done } = await setup();
  const { server, base } = serve(hub, owner);
  const ws = await openWs(base);
  assert.equal((await ws.next((f) => f.type === "ready")).user.id, owner.id);
  ws.send({ type: "subscribe", room });
  assert.equal((await ws.next((f) => f.type === "subscribed")).seq, 0);
  await hub.close();
  const ev = await within(ws.closed, 5_000, "close");
  assert.equal(ev.code, 1001);
  assert.equal(ev.reason, "server shutting down");
  await server.shutdown();
  await done();
});

Deno.test("hub - a reader that keeps up gets a large replay whole while deliveries pause and resume", async () => {
  const { services, owner, room, post, kv } = await setup();
  await post(300, "x".repeat(4000));
  const hub = createHub({
    kv,
    services,
    broadcast: false,
    flow: { maxBufferedBytes: 256 * 1024 },
  });
  const { server, base } = serve(hub, owner);
  const ws = await openWs(base);
  await ws.next((f) => f.type === "ready");
  ws.send({ type: "subscribe", room, after: 0 });
  await ws.next((f) => f.type === "message.new" && f.seq === 300, 10_000);
  const frames = ws.frames.filter((f) => f.type === "message.new");
  assert.deepEqual(frames.map((f) => f.seq), range(1, 300));
  assert.ok(frames.every((f) => f.message.seq === f.seq));
  ws.send({ type: "ping", id: "open" });
  assert.equal((await ws.next((f) => f.type === "pong")).id, "open");
  // The hub closes the socket, so its presence cleanup is done before KV closes.
  await hub.close();
  await within(ws.closed, 5_000, "close");
  await server.shutdown();
  kv.close();
});

Deno.test("session - a backed-up socket pauses, resumes once drained, and is closed 1013 if it never drains", async () => {
  const { socket, state } = fakeSocket();
  const session = createSession(socket, {
    user: null,
    isolate: "unit",
    flow: { maxBufferedBytes: 100, slowCloseMs: 200 },
  }, () => {});
  const resumed = Promise.withResolvers<void>();
  session.subs.set("room", { stop() {}, resume: () => resumed.resolve() });
  const item = (seq: number) => ({
    seq,
    text: JSON.stringify({ type: "room.updated", seq }),
  });
  assert.equal(session.deliver(item(1)), true);
  state.bufferedAmount = 1_000;
  assert.equal(session.deliver(item(2)), false);
  state.bufferedAmount = 10;
  await within(resumed.promise, 1_000, "resume");
  assert.equal(session.deliver(item(2)), true);
  assert.deepEqual(state.sent.map((f) => f.seq), [1, 2]);
  state.bufferedAmount = 1_000;
  assert.equal(session.deliver(item(3)), false);
  assert.equal(await within(state.closed.promise, 2_000, "slow close"), 1013);
  assert.deepEqual(state.sent.map((f) => f.seq), [1, 2]);
  session.dispose();
});

Deno.test("connection - frames arriving faster than they are handled close 1008, cleanup runs once", async () => {
  const { services, hub, owner, room, done } = await setup();
  const { socket, state } = fakeSocket();
  let goodbyes = 0;
  let subscribed = 0;
  const counting: Hub = {
    ...hub,
    subscribeRoom(r, sub) {
      subscribed++;
      return hub.subscribeRoom(r, sub);
    },
  };
  openConnection(socket, owner, {
    services,
    hub: counting,
    isolate: "unit",
    flow: DEFAULT_FLOW,
    onClosed: () => void goodbyes++,
  });
  socket.onopen!(new Event("open"));
  const frame = JSON.stringify({ type: "subscribe", room });
  // One frame more than the bucket holds, all at once.
  for (let i = 0; i <= FRAME_BURST; i++) {
    socket.onmessage!(new MessageEvent("message", { data: frame }));
  }
  // The close waits until the client is quiet, so no frame of its own crosses it.
  assert.equal(await within(state.closed.promise, 2_000, "flood close"), 1008);
  assert.deepEqual(state.codes, [1008]);
  socket.onclose!(new CloseEvent("close"));
  socket.onclose!(new CloseEvent("close"));
  assert.equal(goodbyes, 1);
  // Not a wait for time: one macrotask lets the queued handlers (all microtasks) run out;
  // each finds the socket closing and drops its frame unhandled.
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(subscribed, 0);
  await done();
});

Deno.test("subscribeRoom - resumes from a held cursor; an expired, foreign or future one reloads from the head", async () => {
  const { store, services, hub, owner, room, post, done } = await setup();
  await post(5);
  store.clock.advance(RETENTION_MS + 1);
  await post(3);
  const { epoch } = (await services.repos.messages.getRoomHead(room))!;
  assert.ok(epoch);
  assert.equal(await services.repos.log.canResumeFrom(room, 2), false);
  assert.equal(await services.repos.log.canResumeFrom(room, 5), true);

  const open = async (resume: { after?: number; epoch?: string }) => {
    const fake = fakeSocket();
    const session = createSession(fake.socket, {
      user: owner,
      isolate: "unit",
      flow: DEFAULT_FLOW,
    }, () => {});
    await subscribeRoom(
      session,
      { services, hub, connId: crypto.randomUUID() },
      owner,
      room,
      resume,
    );
    const first = fake.state.sent[0];
    return { ...fake, session, first };
  };
  const subscribed = (seq: number, recovered: boolean) => ({
    type: "subscribed",
    room,
    seq,
    epoch,
    recovered,
  });

  const held = await open({ after: 5, epoch });
  assert.deepEqual(held.first, subscribed(5, true));
  await held.sentFrame((f) => f.type === "message.new" && f.seq === 8, "seq 8");
  const events = (s: { state: { sent: Frame[] } }) =>
    s.state.sent.filter((f) => f.type === "message.new").map((f) => f.seq);
  assert.deepEqual(events(held), [6, 7, 8]);

  const cases: [{ after?: number; epoch?: string }, boolean][] = [
    [{ after: 2, epoch }, false], // its next event has expired
    [{ after: 0 }, false],
    [{ after: 5, epoch: "other" }, false], // another incarnation of the log
    [{ after: 9, epoch }, false], // ahead of the head
    [{ after: 8, epoch }, true], // at the head
    [{}, true], // from now
  ];
  const opened = [held];
  for (const [resume, recovered] of cases) {
    const s = await open(resume);
    opened.push(s);
    const seq = recovered && resume.after !== undefined ? resume.after : 8;
    assert.deepEqual(
      s.first,
      subscribed(seq, recovered),
      JSON.stringify(resume),
    );
  }
  // None of them replays what it cannot have completely; all get what comes next.
  await post(1);
  for (const s of opened) {
    await s.sentFrame((f) => f.type === "message.new" && f.seq === 9, "seq 9");
  }
  for (const s of opened.slice(1)) assert.deepEqual(events(s), [9]);
  for (const s of opened) {
    for (const sub of s.session.subs.values()) sub.stop();
    s.session.dispose();
  }
  await done();
});

Deno.test("subscribeRoom - a subscriber whose next event expires while it is backed up is resynced, not stalled", async () => {
  const { store, services, hub, owner, room, post, done } = await setup();
  await post(5);
  const { epoch } = (await services.repos.messages.getRoomHead(room))!;
  const fake = fakeSocket();
  const session = createSession(fake.socket, {
    user: owner,
    isolate: "unit",
    flow: { maxBufferedBytes: 100, slowCloseMs: 60_000 },
  }, () => {});
  fake.state.bufferedAmount = 1_000;
  await subscribeRoom(session, { services, hub, connId: "c1" }, owner, room, {
    after: 2,
    epoch,
  });
  // Backed up: the feed offers 3 and is refused, so the cursor stays at 2.
  assert.deepEqual(fake.state.sent[0], {
    type: "subscribed",
    room,
    seq: 2,
    epoch,
    recovered: true,
  });
  store.clock.advance(RETENTION_MS + 1);
  await post(1);
  fake.state.bufferedAmount = 0;
  const again = await fake.sentFrame(
    (f) => f.type === "subscribed" && f.recovered === false,
    "resync",
  );
  // The cursor jumps to the head the feed knows (5, or 6 once the watch has told it).
  assert.ok(again.seq === 5 || again.seq === 6, `resync to ${again.seq}`);
  assert.deepEqual(again, {
    type: "subscribed",
    room,
    seq: again.seq,
    epoch,
    recovered: false,
  });
  await post(1);
  await fake.sentFrame((f) => f.type === "message.new" && f.seq === 7, "7");
  // Nothing it cannot have whole is replayed; everything after the resync arrives once.
  const seqs = fake.state.sent.filter((f) => f.type === "message.new")
    .map((f) => f.seq);
  assert.deepEqual(seqs, range(again.seq + 1, 7));
  for (const sub of session.subs.values()) sub.stop();
  session.dispose();
  await done();
});
