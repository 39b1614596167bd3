import assert from "node:assert/strict";
import { createEphemeral } from "../../lib/chat/ephemeral.ts";
import { setLogLevel } from "../../lib/log.ts";
import type { ServerFrame } from "../../lib/shared/protocol.ts";
import { createTestClock } from "../helpers/store.ts";
import { within } from "../helpers/ws.ts";

const ROOM = "01JROOM0000000000000000000";
const OTHER = "01JROOM0000000000000000001";
const USER = "01JUSER0000000000000000000";

const typing = (room: string): ServerFrame => ({
  type: "typing",
  room,
  user: { id: USER, handle: "ada", displayName: "Ada" },
});

Deno.test("ephemeral - publish reaches this isolate's listeners at once and another isolate's over the channel", async () => {
  const name = `ephemeral-test-${crypto.randomUUID()}`;
  const clock = createTestClock();
  const a = createEphemeral({ channel: new BroadcastChannel(name), clock });
  const b = createEphemeral({ channel: new BroadcastChannel(name), clock });
  try {
    const local: string[] = [];
    const other: string[] = [];
    const stop = a.listen(ROOM, (text) => local.push(text));
    a.listen(OTHER, (text) => other.push(text));
    const remote = Promise.withResolvers<[string, ServerFrame]>();
    b.listen(ROOM, (text, frame) => remote.resolve([text, frame]));
    const frame = typing(ROOM);
    a.publish(ROOM, frame);
    assert.deepEqual(local, [JSON.stringify(frame)]);
    const [text, got] = await within(remote.promise, 1_000, "relayed frame");
    assert.equal(text, JSON.stringify(frame));
    assert.deepEqual(got, frame);
    assert.deepEqual(other, []);
    stop();
    a.publish(ROOM, frame);
    assert.equal(local.length, 1);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("ephemeral - a throwing listener does not stop the others", () => {
  const e = createEphemeral({ channel: null, clock: createTestClock() });
  setLogLevel("error");
  try {
    let got = 0;
    e.listen(ROOM, () => {
      throw new Error("boom");
    });
    e.listen(ROOM, () => got++);
    e.publish(ROOM, typing(ROOM));
    assert.equal(got, 1);
  } finally {
    setLogLevel("info");
    e.close();
  }
});

Deno.test("ephemeral - typing is allowed once per user per room every 2 s", () => {
  const clock = createTestClock();
  const e = createEphemeral({ channel: null, clock });
  try {
    assert.equal(e.allowTyping(USER, ROOM), true);
    assert.equal(e.allowTyping(USER, ROOM), false);
    assert.equal(e.allowTyping(USER, OTHER), true);
    assert.equal(e.allowTyping("someone_else", ROOM), true);
    clock.advance(1_999);
    assert.equal(e.allowTyping(USER, ROOM), false);
    clock.advance(1);
    assert.equal(e.allowTyping(USER, ROOM), true);
    assert.equal(e.allowTyping(USER, ROOM), false);
  } finally {
    e.close();
  }
});

Deno.test("ephemeral - the typing throttle forgets the oldest entries when full", () => {
  const clock = createTestClock();
  const e = createEphemeral({ channel: null, clock, maxTracked: 100 });
  try {
    for (let i = 0; i < 150; i++) {
      assert.equal(e.allowTyping(`u${i}`, ROOM), true);
    }
    // u0 was pushed out by the 100 newer entries; u149 is still remembered.
    assert.equal(e.allowTyping("u0", ROOM), true);
    assert.equal(e.allowTyping("u149", ROOM), false);
  } finally {
    e.close();
  }
});
