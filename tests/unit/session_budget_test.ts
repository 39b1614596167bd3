import assert from "node:assert/strict";
import { createSession, type FlowLimits } from "../../lib/chat/session.ts";
import { within } from "../helpers/ws.ts";

const utf8 = new TextEncoder();

/**
 * A socket that never drains unless told to: its buffer grows by the UTF-8 bytes of every
 * send, as Deno's does, and every read of `bufferedAmount` is counted.
 */
function backedSocket() {
  const state = { buffered: 0, reads: 0, sends: 0, drain: false };
  const socket = {
    readyState: WebSocket.OPEN,
    get bufferedAmount() {
      state.reads++;
      return state.buffered;
    },
    send(text: string) {
      state.sends++;
      if (!state.drain) state.buffered += utf8.encode(text).byteLength;
    },
    close() {},
  } as unknown as WebSocket;
  return { socket, state };
}

function sessionOn(socket: WebSocket, flow: FlowLimits) {
  return createSession(socket, { user: null, isolate: "unit", flow }, () => {});
}

const item = (seq: number, text: string) => ({ seq, text });

/** How many frames of `bytes` each a socket takes before its buffer passes `max`. */
const acceptedBefore = (max: number, bytes: number) =>
  Math.floor(max / bytes) + 1;

Deno.test("session - a socket that keeps up is sent many small frames for a handful of bufferedAmount reads", () => {
  const { socket, state } = backedSocket();
  state.drain = true;
  const flow = { maxBufferedBytes: 1024 * 1024, slowCloseMs: 60_000 };
  const session = sessionOn(socket, flow);
  const text = "x".repeat(100);
  for (let seq = 1; seq <= 10_000; seq++) {
    assert.equal(session.deliver(item(seq, text)), true);
  }
  assert.equal(state.sends, 10_000);
  // One read per 1 MiB of worst-case bytes (3 per UTF-16 unit): 10,000 × 300 B is 3 MiB.
  assert.equal(state.reads, Math.ceil(10_000 / Math.floor(1024 * 1024 / 300)));
  session.dispose();
});

for (
  const [what, unit] of [
    ["ASCII", "x"],
    ["two-byte UTF-8", "é"],
    ["three-byte UTF-8", "€"],
    ["surrogate pairs", "🙂"],
  ] as const
) {
  Deno.test(`session - a backed-up socket pauses exactly where reading bufferedAmount every time would (${what})`, () => {
    const { socket, state } = backedSocket();
    const maxBufferedBytes = 64 * 1024;
    const session = sessionOn(socket, {
      maxBufferedBytes,
      slowCloseMs: 60_000,
    });
    const text = unit.repeat(40);
    const bytes = utf8.encode(text).byteLength;
    let accepted = 0;
    // Bounded, so a budget that never pauses fails here instead of looping on.
    while (accepted < 100_000 && session.deliver(item(accepted + 1, text))) {
      accepted++;
    }
    // Frames go out while the buffer is at most the limit, and not one more.
    assert.equal(accepted, acceptedBefore(maxBufferedBytes, bytes));
    assert.ok(state.buffered > maxBufferedBytes);
    assert.ok(state.buffered - bytes <= maxBufferedBytes);
    // Paused: later offers are refused without a read each, nothing more is sent.
    const reads = state.reads;
    for (let i = 0; i < 100; i++) {
      assert.equal(session.deliver(item(accepted + 1, text)), false);
    }
    assert.equal(state.sends, accepted);
    assert.equal(state.reads, reads);
    assert.ok(reads * 10 < accepted, `${reads} reads for ${accepted} sends`);
    session.dispose();
  });
}

Deno.test("session - frames sent outside deliver count against the budget too", () => {
  const { socket, state } = backedSocket();
  const maxBufferedBytes = 64 * 1024;
  const session = sessionOn(socket, { maxBufferedBytes, slowCloseMs: 60_000 });
  assert.equal(session.deliver(item(1, "first")), true);
  const reads = state.reads;
  // A large reply (a snapshot, say) fills the buffer past the limit in one send.
  session.send({ type: "pong", id: "x".repeat(maxBufferedBytes) });
  assert.ok(state.buffered > maxBufferedBytes);
  assert.equal(session.deliver(item(2, "second")), false);
  assert.equal(state.reads, reads + 1);
  // Ephemeral frames are dropped while it is backed up.
  session.sendText('{"type":"typing"}');
  assert.equal(state.sends, 2);
  session.dispose();
});

Deno.test("session - once the buffer drains below half, paused feeds resume and frames flow again", async () => {
  const { socket, state } = backedSocket();
  const session = sessionOn(socket, {
    maxBufferedBytes: 1_000,
    slowCloseMs: 60_000,
  });
  const resumed = Promise.withResolvers<void>();
  session.subs.set("room", { stop() {}, resume: () => resumed.resolve() });
  const text = "x".repeat(100);
  let seq = 0;
  while (seq < 1_000 && session.deliver(item(++seq, text)));
  assert.ok(seq < 1_000, "never paused");
  state.buffered = 600;
  // Above half the limit: still paused.
  assert.equal(session.deliver(item(seq, text)), false);
  state.buffered = 400;
  await within(resumed.promise, 2_000, "resume");
  assert.equal(session.deliver(item(seq, text)), true);
  session.sendText('{"type":"typing"}');
  assert.equal(state.buffered, 400 + 100 + 17);
  session.dispose();
});
