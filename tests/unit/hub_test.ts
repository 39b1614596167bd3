import assert from "node:assert/strict";
import { createHub } from "../../lib/chat/hub.ts";
import { openConnection } from "../../lib/chat/connection.ts";
import { createSession, DEFAULT_FLOW } from "../../lib/chat/session.ts";
import {
  createRoomFeed,
  FEED_PAGE,
  type FeedSubscriber,
} from "../../lib/chat/room_feed.ts";
import type { Message } from "../../lib/db/messages.ts";
import { createRooms } from "../../lib/db/rooms.ts";
import type { User } from "../../lib/db/users.ts";
import { createServices } from "../../lib/services/mod.ts";
import { createIdFactory, systemClock } from "../../lib/shared/clock.ts";
import { openWs, within } from "../helpers/ws.ts";

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function setup(kvOverride?: (kv: Deno.Kv) => Deno.Kv) {
  const kv = await Deno.openKv(":memory:");
  const store = { kv, clock: systemClock, newId: createIdFactory() };
  const services = createServices(store, { sessionTtlMs: 60_000 });
  const owner = {
    id: store.newId(),
    handle: "unit_owner",
    displayName: "Unit",
    createdAt: 0,
  } as User;
  const room = await createRooms(store).createRoom(owner.id, {
    name: "Unit room",
    description: "",
    lat: 52.52,
    lng: 13.405,
    radiusM: 300,
    category: "social",
  });
  let n = 0;
  // Writes straight to the repository: no notify, so only kv.watch can wake a feed.
  const post = async (count: number, text = "m") => {
    for (let i = 0; i < count; i++, n++) {
      await services.repos.messages.createMessage(
        room.id,
        owner,
        text,
        `c${n}`,
      );
    }
  };
  const hubKv = kvOverride ? kvOverride(kv) : kv;
  return { kv, hubKv, services, owner, room: room.id, post };
}

/** A subscriber that records what it is given and can wait for a seq. */
function recorder(cursor: number) {
  const seqs: number[] = [];
  const waiting = new Map<number, () => void>();
  const sub: FeedSubscriber = {
    cursor,
    deliver(m: Message) {
      seqs.push(m.seq);
      waiting.get(m.seq)?.();
      return true;
    },
  };
  const reached = (seq: number) =>
    seqs.includes(seq) ? Promise.resolve() : within(
      new Promise<void>((r) => waiting.set(seq, r)),
      5_000,
      `seq ${seq}`,
    );
  return { sub, seqs, reached };
}

/** A stand-in socket whose buffer and state the test controls. */
function fakeSocket() {
  const state = {
    readyState: WebSocket.OPEN as number,
    bufferedAmount: 0,
    sent: 0,
    codes: [] as number[],
    closed: Promise.withResolvers<number>(),
  };
  const socket = {
    get readyState() {
      return state.readyState;
    },
    get bufferedAmount() {
      return state.bufferedAmount;
    },
    send() {
      state.sent++;
    },
    close(code: number) {
      state.codes.push(code);
      state.readyState = WebSocket.CLOSING;
      state.closed.resolve(code);
    },
  } as unknown as WebSocket;
  return { socket, state };
}

/** Wraps KV so tests can count live watches, or make watches silent (hints only). */
function watchProbe(silent: boolean) {
  const probe = { active: 0, opened: 0 };
  const wrap = (kv: Deno.Kv) =>
    new Proxy(kv, {
      get(target, prop) {
        if (prop !== "watch") {
          const v = Reflect.get(target, prop, target);
          return typeof v === "function" ? v.bind(target) : v;
        }
        return (keys: Deno.KvKey[]) => {
          probe.active++;
          probe.opened++;
          const inner = target.watch(keys).getReader();
          return new ReadableStream({
            async pull(c) {
              const r = await inner.read();
              if (r.done) return c.close();
              if (!silent) c.enqueue(r.value);
              else return new Promise(() => {});
            },
            async cancel() {
              probe.active--;
              await inner.cancel();
            },
          });
        };
      },
    });
  return { probe, wrap };
}

Deno.test("room feed - a watched burst reaches subscribers at different cursors in order, once", async () => {
  const { kv, services, room, post } = await setup();
  await post(30);
  const feed = createRoomFeed(kv, services.repos.messages, room);
  const [a, b, c] = [recorder(0), recorder(20), recorder(30)];
  for (const r of [a, b, c]) feed.add(r.sub);
  await a.reached(30);
  await post(5);
  for (let i = 0; i < 5; i++) feed.hint(35);
  await Promise.all([a, b, c].map((r) => r.reached(35)));
  await post(1);
  await Promise.all([a, b, c].map((r) => r.reached(36)));
  assert.deepEqual(a.seqs, range(1, 36));
  assert.deepEqual(b.seqs, range(21, 36));
  assert.deepEqual(c.seqs, range(31, 36));
  await feed.stop();
  kv.close();
});

Deno.test("room feed - a replay longer than a page is listed page by page and arrives whole", async () => {
  const { kv, services, room, post } = await setup();
  await post(FEED_PAGE * 2 + 100);
  const spans: number[] = [];
  const feed = createRoomFeed(kv, {
    listMessagesBetween(r, after, upto) {
      spans.push(upto - after);
      return services.repos.messages.listMessagesBetween(r, after, upto);
    },
  }, room);
  const late = recorder(0);
  feed.add(late.sub);
  await late.reached(FEED_PAGE * 2 + 100);
  assert.deepEqual(late.seqs, range(1, FEED_PAGE * 2 + 100));
  assert.ok(
    spans.length >= 3 && spans.every((s) => s <= FEED_PAGE),
    `${spans}`,
  );
  await feed.stop();
  kv.close();
});

Deno.test("hub - one watch per room, stopped when its last local subscriber leaves", async () => {
  const { probe, wrap } = watchProbe(false);
  const { kv, hubKv, services, room } = await setup(wrap);
  const hub = createHub({ kv: hubKv, services });
  const a = hub.subscribe(room, 0, () => true);
  const b = hub.subscribe(room, 0, () => true);
  assert.equal(probe.opened, 1);
  a.stop();
  assert.equal(probe.active, 1);
  b.stop();
  await hub.close();
  assert.equal(probe.active, 0);
  hub.subscribe(room, 0, () => true).stop();
  assert.equal(probe.opened, 1, "a closed hub opens no watch");
  kv.close();
});

Deno.test("hub - notify wakes this isolate's feed and, over the channel, other isolates'", async () => {
  const { probe, wrap } = watchProbe(true);
  const { kv, hubKv, services, owner, room } = await setup(wrap);
  const [here, there] = [
    createHub({ kv: hubKv, services }),
    createHub({ kv: hubKv, services }),
  ];
  const local = recorder(0);
  const remote = recorder(0);
  here.subscribe(room, 0, local.sub.deliver);
  there.subscribe(room, 0, remote.sub.deliver);
  const { message } = await services.repos.messages.createMessage(
    room,
    owner,
    "hi",
    "n1",
  );
  here.notify(room, message!.seq);
  await Promise.all([local.reached(1), remote.reached(1)]);
  assert.equal(probe.opened, 2);
  await Promise.all([here.close(), there.close()]);
  kv.close();
});

Deno.test("hub - close ends every socket with 1001 and stops every watch", async () => {
  const { probe, wrap } = watchProbe(false);
  const { kv, hubKv, services, owner, room } = await setup(wrap);
  const hub = createHub({ kv: hubKv, services });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      hub.accept(socket, owner);
      return response;
    },
  );
  const ws = await openWs(`http://127.0.0.1:${server.addr.port}`);
  assert.equal((await ws.next((f) => f.type === "ready")).user.id, owner.id);
  ws.send({ type: "subscribe", room });
  assert.equal((await ws.next((f) => f.type === "subscribed")).seq, 0);
  assert.equal(probe.active, 1);
  await hub.close();
  const ev = await within(ws.closed, 5_000, "close");
  assert.equal(ev.code, 1001);
  assert.equal(ev.reason, "server shutting down");
  assert.equal(probe.active, 0);
  await server.shutdown();
  kv.close();
});

Deno.test("hub - a reader that keeps up gets a large replay whole while deliveries pause and resume", async () => {
  const { kv, services, owner, room, post } = await setup();
  await post(300, "x".repeat(4000));
  const hub = createHub({
    kv,
    services,
    flow: { maxBufferedBytes: 256 * 1024 },
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      hub.accept(socket, owner);
      return response;
    },
  );
  const ws = await openWs(`http://127.0.0.1:${server.addr.port}`);
  await ws.next((f) => f.type === "ready");
  ws.send({ type: "subscribe", room, after: 0 });
  await ws.next(
    (f) => f.type === "message.new" && f.message.seq === 300,
    10_000,
  );
  const seqs = ws.frames.filter((f) => f.type === "message.new").map((f) =>
    f.message.seq
  );
  assert.deepEqual(seqs, range(1, 300));
  ws.send({ type: "ping", id: "open" });
  assert.equal((await ws.next((f) => f.type === "pong")).id, "open");
  await ws.close();
  await hub.close();
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
  const author = { id: "a", handle: "a", displayName: "A" };
  const m = (seq: number): Message => ({
    id: `m${seq}`,
    roomId: "room",
    seq,
    author,
    text: "t",
    clientId: `c${seq}`,
    createdAt: 0,
  });
  assert.equal(session.deliver(m(1)), true);
  state.bufferedAmount = 1_000;
  assert.equal(session.deliver(m(2)), false);
  state.bufferedAmount = 10;
  await within(resumed.promise, 1_000, "resume");
  assert.equal(session.deliver(m(2)), true);
  assert.equal(state.sent, 2);
  state.bufferedAmount = 1_000;
  assert.equal(session.deliver(m(3)), false);
  assert.equal(await within(state.closed.promise, 2_000, "slow close"), 1013);
  assert.equal(state.sent, 2);
  session.dispose();
});

Deno.test("connection - frames arriving faster than they are handled close 1008, cleanup runs once", async () => {
  const { kv, services, owner, room } = await setup();
  const { socket, state } = fakeSocket();
  let goodbyes = 0;
  let subscribed = 0;
  openConnection(socket, owner, {
    services,
    isolate: "unit",
    flow: DEFAULT_FLOW,
    subscribe: () => (subscribed++, { stop() {}, resume() {} }),
    onClosed: () => void goodbyes++,
  });
  socket.onopen!(new Event("open"));
  const frame = JSON.stringify({ type: "subscribe", room });
  for (let i = 0; i < 100; i++) {
    socket.onmessage!(new MessageEvent("message", { data: frame }));
  }
  assert.deepEqual(state.codes, [1008]);
  socket.onclose!(new CloseEvent("close"));
  socket.onclose!(new CloseEvent("close"));
  assert.equal(goodbyes, 1);
  // Flush the queue: every queued frame finds the socket closing and is dropped unhandled.
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(subscribed, 0);
  kv.close();
});
