import assert from "node:assert/strict";
import {
  backoffMs,
  HEARTBEAT,
  MAX_BACKOFF_MS,
  type RoomChannel,
  TabSocket,
} from "../../islands/chat_socket.ts";
import type { ServerFrame } from "../../lib/shared/protocol.ts";
import { ANN, msg, newFrame, ROOM, ulid } from "./room_fixtures.ts";
import { fakeEnv, READY } from "./socket_fakes.ts";

const OTHER = ulid(901);

function channel(after: number, epoch = "e1") {
  const got: ServerFrame[] = [];
  let lives = 0;
  const c: RoomChannel & {
    got: ServerFrame[];
    lives: () => number;
    at: number;
  } = {
    at: after,
    got,
    lives: () => lives,
    position: () => ({ after: c.at, epoch }),
    frame: (f) => got.push(f),
    live: () => void lives++,
  };
  return c;
}

Deno.test("tab socket - waits for ready, then subscribes every room from its own position", () => {
  const { env, sockets, last } = fakeEnv();
  const socket = new TabSocket("ws://x/api/v1/ws", env);
  const statuses: string[] = [];
  socket.onStatus((s) => statuses.push(s));
  const a = channel(7);
  const b = channel(3, "e9");
  socket.join(ROOM, a);
  socket.join(OTHER, b);
  assert.equal(sockets.length, 1, "one socket for every room");
  assert.deepEqual(last().sent, []);
  assert.equal(socket.send({ type: "typing", room: ROOM }), false);
  last().emit(READY);
  assert.deepEqual(last().sent, [
    { type: "subscribe", room: ROOM, after: 7, epoch: "e1" },
    { type: "subscribe", room: OTHER, after: 3, epoch: "e9" },
  ]);
  assert.deepEqual([a.lives(), b.lives()], [1, 1]);
  assert.deepEqual(statuses, ["live"]);
  const c = channel(1);
  socket.join(ulid(902), c);
  assert.deepEqual(last().sent.at(-1), {
    type: "subscribe",
    room: ulid(902),
    after: 1,
    epoch: "e1",
  });
  socket.close();
});

Deno.test("tab socket - routes each frame to the room it concerns", () => {
  const { env, last } = fakeEnv();
  const socket = new TabSocket("ws://x", env);
  const a = channel(0);
  const b = channel(0);
  socket.join(ROOM, a);
  socket.join(OTHER, b);
  last().emit(READY);
  last().emit(newFrame(msg(1)));
  last().emit({ type: "message.ack", clientId: "c1", message: msg(1) });
  last().emit({ type: "typing", room: OTHER, user: ANN });
  last().emit({
    type: "error",
    code: "rate_limited",
    message: "slow",
    clientId: "c2",
  });
  last().emit({ type: "message.new", room: ROOM, seq: "bad" });
  last().emit("{not json");
  assert.deepEqual(a.got.map((f) => f.type), [
    "message.new",
    "message.ack",
    "error",
  ]);
  assert.deepEqual(b.got.map((f) => f.type), ["typing", "error"]);
  const stream: ServerFrame[] = [];
  socket.watchNotifications({
    position: () => ({ after: 4, epoch: "n1" }),
    frame: (f) => stream.push(f),
  });
  assert.deepEqual(last().sent.at(-1), {
    type: "notifications.subscribe",
    after: 4,
    epoch: "n1",
  });
  last().emit({
    type: "notifications.subscribed",
    seq: 4,
    epoch: "n1",
    recovered: true,
  });
  assert.deepEqual(stream.map((f) => f.type), ["notifications.subscribed"]);
  socket.close();
});

Deno.test("tab socket - reconnects with backoff and resubscribes from where each room got to", () => {
  const { env, sockets, advance, last } = fakeEnv();
  const socket = new TabSocket("ws://x", env);
  const a = channel(5);
  const leave = socket.join(ROOM, a);
  socket.join(OTHER, channel(2));
  last().emit(READY);
  a.at = 9;
  last().close();
  assert.equal(socket.status, "offline");
  advance(backoffMs(0, () => 1) - 1);
  assert.equal(sockets.length, 1, "waits out the backoff");
  advance(1);
  assert.equal(sockets.length, 2);
  last().emit(READY);
  assert.deepEqual(last().sent[0], {
    type: "subscribe",
    room: ROOM,
    after: 9,
    epoch: "e1",
  });
  assert.equal(a.lives(), 2, "live again: time to re-send pending messages");
  leave();
  assert.deepEqual(last().sent.at(-1), { type: "unsubscribe", room: ROOM });
  last().close();
  last().close();
  advance(MAX_BACKOFF_MS);
  last().emit(READY);
  assert.deepEqual(last().sent, [{
    type: "subscribe",
    room: OTHER,
    after: 2,
    epoch: "e1",
  }]);
  socket.close();
  advance(MAX_BACKOFF_MS * 2);
  assert.equal(sockets.length, 3, "closed for good");
});

Deno.test("tab socket - pings while idle and drops a connection that went silent", () => {
  const { env, sockets, advance, last } = fakeEnv();
  const socket = new TabSocket("ws://x", env);
  socket.join(ROOM, channel(0));
  last().emit(READY);
  advance(HEARTBEAT.everyMs);
  assert.deepEqual(last().sent.at(-1), { type: "ping" });
  last().emit({ type: "pong" });
  advance(HEARTBEAT.deadAfterMs + HEARTBEAT.everyMs);
  assert.equal(socket.status, "offline");
  advance(MAX_BACKOFF_MS);
  assert.equal(sockets.length, 2);
  socket.close();
});

Deno.test("backoffMs - grows exponentially and is capped", () => {
  const max = () => 1;
  assert.equal(backoffMs(0, max), 500);
  assert.equal(backoffMs(3, max), 4000);
  assert.equal(backoffMs(20, max), MAX_BACKOFF_MS);
  assert.ok(backoffMs(20, () => 0) >= MAX_BACKOFF_MS / 2);
});
