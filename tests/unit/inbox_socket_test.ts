import assert from "node:assert/strict";
import {
  backoffMs,
  type RoomChannel,
  TabSocket,
} from "../../islands/chat_socket.ts";
import type { ServerFrame } from "../../lib/shared/protocol.ts";
import { BEN, msg, newFrame, ROOM, ulid } from "./room_fixtures.ts";
import { fakeEnv, READY } from "./socket_fakes.ts";

const DM = ulid(930);

function roomChannel() {
  const got: ServerFrame[] = [];
  const c: RoomChannel & { got: ServerFrame[] } = {
    got,
    position: () => null,
    frame: (f) => got.push(f),
    live: () => {},
  };
  return c;
}

const ACTIVITY = {
  type: "inbox.activity",
  room: ROOM,
  seq: 4,
  at: "2026-01-01T12:00:00.000Z",
  from: BEN,
  preview: "hi",
};
const CHANGED = { type: "inbox.changed", seq: 7, room: DM, why: "read" };

Deno.test("tab socket inbox - subscribes the inbox and the viewer's stream, and again after a reconnect", () => {
  const { env, sockets, advance, last } = fakeEnv();
  const socket = new TabSocket("ws://x", env);
  const inbox: ServerFrame[] = [];
  const stop = socket.watchInbox({ frame: (f) => inbox.push(f) });
  assert.equal(sockets.length, 1, "an inbox alone opens the socket");
  last().emit(READY);
  assert.deepEqual(last().sent, [
    { type: "notifications.subscribe" },
    { type: "inbox.subscribe" },
  ]);
  last().emit({ type: "inbox.subscribed", rooms: 3 });
  assert.deepEqual(inbox.map((f) => f.type), ["inbox.subscribed"]);

  last().close();
  advance(backoffMs(0, () => 1));
  last().emit(READY);
  assert.deepEqual(last().sent, [
    { type: "notifications.subscribe" },
    { type: "inbox.subscribe" },
  ]);
  stop();
  last().close();
  advance(backoffMs(0, () => 1));
  last().emit(READY);
  assert.deepEqual(last().sent, [], "a stopped inbox is not resubscribed");
  socket.close();
});

Deno.test("tab socket inbox - the stream keeps its own position when the notifications follow it", () => {
  const { env, last } = fakeEnv();
  const socket = new TabSocket("ws://x", env);
  socket.watchNotifications({
    position: () => ({ after: 4, epoch: "n1" }),
    frame: () => {},
  });
  socket.watchInbox({ frame: () => {} });
  last().emit(READY);
  assert.deepEqual(last().sent, [
    { type: "notifications.subscribe", after: 4, epoch: "n1" },
    { type: "inbox.subscribe" },
  ]);
  // Joining while live subscribes at once, without touching the stream.
  socket.watchInbox({ frame: () => {} });
  assert.deepEqual(last().sent.at(-1), { type: "inbox.subscribe" });
  assert.equal(last().sent.length, 3);
  socket.close();
});

Deno.test("tab socket inbox - inbox frames go to the inbox, not to the room they name", () => {
  const { env, last } = fakeEnv();
  const socket = new TabSocket("ws://x", env);
  const room = roomChannel();
  socket.join(ROOM, room);
  const inbox: ServerFrame[] = [];
  const stream: ServerFrame[] = [];
  socket.watchInbox({ frame: (f) => inbox.push(f) });
  socket.watchNotifications({
    position: () => null,
    frame: (f) => stream.push(f),
  });
  last().emit(READY);
  last().emit({ type: "inbox.subscribed", rooms: 1 });
  last().emit(ACTIVITY);
  last().emit({ type: "inbox.removed", room: ROOM });
  last().emit(CHANGED);
  last().emit(newFrame(msg(4)));
  last().emit({
    type: "notifications.subscribed",
    seq: 7,
    epoch: "n1",
    recovered: true,
  });
  assert.deepEqual(room.got.map((f) => f.type), ["message.new"]);
  assert.deepEqual(inbox.map((f) => f.type), [
    "inbox.subscribed",
    "inbox.activity",
    "inbox.removed",
    "inbox.changed",
  ]);
  // inbox.changed moves the stream's cursor, so the stream sees it too.
  assert.deepEqual(stream.map((f) => f.type), [
    "inbox.changed",
    "notifications.subscribed",
  ]);
  socket.close();
});
