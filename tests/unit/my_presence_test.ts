import assert from "node:assert/strict";
import { TabSocket } from "../../islands/chat_socket.ts";
import { AUTO_AWAY_MS, PresenceKeeper } from "../../islands/my_presence.ts";
import { ROOM } from "./room_fixtures.ts";
import { fakeEnv, type FakeSocket, READY } from "./socket_fakes.ts";

/** A tab socket with one room and a keeper on fake timers, with `stored` in the store. */
function setup(stored: string | null = null) {
  const fake = fakeEnv();
  const socket = new TabSocket("ws://x", fake.env);
  socket.join(ROOM, { position: () => null, frame() {}, live() {} });
  const store = { value: stored, saves: 0 };
  const keeper = new PresenceKeeper({
    ...fake.env,
    socket,
    store: {
      load: () => store.value,
      save: (v) => void (store.value = v, store.saves++),
    },
  });
  /** Lets `ms` pass with the server answering pings, so the connection stays up. */
  function idle(ms: number) {
    for (let left = ms; left > 0; left -= 10_000) {
      fake.advance(Math.min(left, 10_000));
      fake.last().emit({ type: "pong" });
    }
  }
  return { ...fake, socket, keeper, store, idle };
}

/** The statuses a socket was told, in order. */
const told = (s: FakeSocket) =>
  s.sent.filter((f) => f.type === "presence.set").map((f) => f.status);

Deno.test("presence keeper - sends the remembered status after ready, on every connection", () => {
  const { keeper, last, advance, sockets, socket } = setup("dnd");
  assert.equal(keeper.chosen, "dnd");
  assert.deepEqual(told(last()), [], "nothing before ready");
  last().emit(READY);
  assert.deepEqual(last().sent.map((f) => f.type), [
    "subscribe",
    "presence.set",
  ]);
  assert.deepEqual(told(last()), ["dnd"]);
  last().close();
  advance(30_000);
  assert.equal(sockets.length, 2);
  assert.deepEqual(told(last()), []);
  last().emit(READY);
  assert.deepEqual(told(last()), ["dnd"], "the new connection is told too");
  keeper.dispose();
  socket.close();
});

Deno.test("presence keeper - a choice is remembered and sent now, or when live again", () => {
  const { keeper, last, advance, socket, store } = setup();
  const seen: string[] = [];
  keeper.onChange((s) => seen.push(s));
  assert.equal(keeper.chosen, "online");
  last().emit(READY);
  keeper.choose("away");
  assert.equal(store.value, "away");
  assert.deepEqual(told(last()), ["online", "away"]);
  last().close();
  keeper.choose("dnd");
  assert.equal(store.value, "dnd");
  advance(30_000);
  last().emit(READY);
  assert.deepEqual(told(last()), ["dnd"]);
  keeper.adopt("online");
  assert.equal(store.saves, 2, "another tab's choice is not stored again");
  assert.deepEqual(told(last()), ["dnd", "online"]);
  keeper.adopt("bogus");
  keeper.adopt(null);
  assert.equal(keeper.chosen, "online");
  assert.deepEqual(seen, ["away", "dnd", "online"]);
  keeper.dispose();
  socket.close();
});

Deno.test("presence keeper - a tab hidden for five minutes while Online shows as away until visible", () => {
  const { keeper, last, idle, socket } = setup();
  last().emit(READY);
  keeper.setHidden(true);
  idle(AUTO_AWAY_MS - 1);
  keeper.setHidden(true);
  assert.deepEqual(told(last()), ["online"], "not yet");
  idle(1);
  assert.deepEqual(told(last()), ["online", "away"]);
  assert.equal(keeper.effective, "away");
  assert.equal(keeper.chosen, "online", "the choice itself is unchanged");
  keeper.setHidden(false);
  assert.deepEqual(told(last()), ["online", "away", "online"]);

  // Back before the five minutes are up: nobody is told anything.
  keeper.setHidden(true);
  idle(AUTO_AWAY_MS - 1);
  keeper.setHidden(false);
  idle(AUTO_AWAY_MS * 2);
  assert.deepEqual(told(last()), ["online", "away", "online"]);
  keeper.dispose();
  socket.close();
});

Deno.test("presence keeper - a reconnect while auto-away re-sends away", () => {
  const { keeper, last, advance, idle, socket } = setup();
  last().emit(READY);
  keeper.setHidden(true);
  idle(AUTO_AWAY_MS);
  last().close();
  advance(30_000);
  last().emit(READY);
  assert.deepEqual(told(last()), ["away"]);
  keeper.setHidden(false);
  assert.deepEqual(told(last()), ["away", "online"]);
  keeper.dispose();
  socket.close();
});

Deno.test("presence keeper - auto-away leaves a chosen Away or Do not disturb alone", () => {
  const { keeper, last, idle, socket } = setup("dnd");
  last().emit(READY);
  keeper.setHidden(true);
  idle(AUTO_AWAY_MS * 2);
  assert.deepEqual(told(last()), ["dnd"]);
  // Switched to Online from another tab while this one is still hidden: away, not online.
  keeper.adopt("online");
  assert.deepEqual(told(last()), ["dnd", "away"]);
  keeper.setHidden(false);
  assert.deepEqual(told(last()), ["dnd", "away", "online"]);
  keeper.dispose();
  socket.close();
});

Deno.test("presence keeper - an unknown stored value counts as Online", () => {
  const { keeper, socket } = setup("<script>");
  assert.equal(keeper.chosen, "online");
  keeper.dispose();
  socket.close();
});
