import assert from "node:assert/strict";
import {
  type ApiResult,
  createRoom,
  deleteMessage,
  editMessage,
  getMemberCount,
  getSnapshot,
  joinRoom,
  leaveRoom,
  registerUser,
  sendMessage,
  setPin,
  setReaction,
  type TestUser,
} from "../helpers/api.ts";
import {
  actOk,
  applyEvents,
  assertConsecutive,
  messagesOf,
  roomEvents,
  stateFrom,
  subscribeAfter,
  waitForSeq,
  wsSendOk,
} from "../helpers/events.ts";
import { startServer } from "../helpers/server.ts";
import {
  connect,
  connectOnBothIsolates,
  type Frame,
  subscribe,
  type WsClient,
} from "../helpers/ws.ts";
import { ROOM_EVENT_TYPES } from "../../lib/shared/protocol.ts";

const HERE = { lat: 41.3874, lng: 2.1686 };

/** Asserts an HTTP answer's status and answers its body. */
function ok(res: ApiResult, status = 200) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  return res.body;
}

/** Asserts a `subscribed` frame and answers it. */
function subscribed(f: Frame, recovered: boolean, what: string) {
  assert.equal(f.type, "subscribed", `${what}: ${JSON.stringify(f)}`);
  assert.equal(f.recovered, recovered, `${what}: recovered`);
  return f;
}

Deno.test("resume - a dropped socket gets exactly what it missed and converges", async (t) => {
  const server = await startServer();
  const base = server.url;
  const open: WsClient[] = [];
  try {
    const owner = await registerUser(base, "own");
    const alice = await registerUser(base, "ali");
    const joiner = await registerUser(base, "joi");
    const room = (await createRoom(base, owner, HERE)).id;
    await joinRoom(base, alice, room, HERE);
    const m1 = ok(await sendMessage(base, alice, room, "one", "p-1"), 201);
    const m2 = ok(await sendMessage(base, owner, room, "two", "p-2"), 201);
    const snap0 = await getSnapshot(base, owner, room);
    const count0 = await getMemberCount(base, owner, room);
    const epoch = snap0.head.epoch;
    const connected = async (u: TestUser) => {
      const { ws } = await connect(base, u);
      open.push(ws);
      return ws;
    };

    const steady = (await connectOnBothIsolates(base, [owner], 2)).map((s) =>
      s.ws
    );
    open.push(...steady);
    const dropper = await connected(alice);
    for (const ws of [...steady, dropper]) {
      const sub = subscribed(
        await subscribeAfter(ws, room, snap0.head.seq, epoch),
        true,
        "resume from the snapshot head",
      );
      assert.equal(sub.seq, snap0.head.seq);
      assert.equal(sub.epoch, epoch);
    }
    const headNow = async () => (await getSnapshot(base, owner, room)).head;

    let h1 = 0;
    let h2 = 0;
    const doomed = `doomed-${crypto.randomUUID()}`;
    const dropped = stateFrom(snap0.items, count0);

    await t.step(
      "events before the drop reach the socket that will drop",
      async () => {
        ok(await setReaction(base, owner, room, m1.seq, "👍", true));
        await wsSendOk(dropper, room, "early reply", "p-3", {
          threadRoot: m1.seq,
        });
        ok(await editMessage(base, owner, room, m2.seq, "two, edited"));
        h1 = (await headNow()).seq;
        for (const ws of [...steady, dropper]) await waitForSeq(ws, room, h1);
        const seen = roomEvents(dropper, room);
        assertConsecutive(seen, snap0.head.seq, h1, "before the drop");
        applyEvents(dropped, seen);
        await dropper.close();
      },
    );

    await t.step("every kind of event happens while it is away", async () => {
      const m3 = ok(
        await sendMessage(base, alice, room, `${doomed} a`, "p-4"),
        201,
      );
      ok(await editMessage(base, alice, room, m3.seq, `${doomed} b`));
      const m4 = await wsSendOk(steady[0], room, "four", "p-5");
      ok(await setReaction(base, alice, room, m4.seq, "🎉", true));
      ok(await setReaction(base, owner, room, m1.seq, "👍", false));
      ok(await setPin(base, owner, room, m1.seq, true));
      await actOk(steady[1], {
        type: "pin.set",
        room,
        seq: m4.seq,
        pinned: true,
      });
      ok(await setPin(base, owner, room, m1.seq, false));
      const r = ok(
        await sendMessage(base, owner, room, "reply four", "p-6", {
          threadRoot: m4.seq,
        }),
        201,
      );
      ok(
        await sendMessage(base, alice, room, "reply reply", "p-7", {
          threadRoot: r.seq,
        }),
        201,
      );
      ok(await deleteMessage(base, alice, room, m3.seq));
      await actOk(steady[0], { type: "message.delete", room, seq: m2.seq });
      await joinRoom(base, joiner, room, HERE);
      await leaveRoom(base, joiner, room);
      ok(await editMessage(base, alice, room, m1.seq, "one, edited"));
      h2 = (await headNow()).seq;
      for (const ws of steady) await waitForSeq(ws, room, h2);
    });

    await t.step(
      "resuming with after and epoch replays exactly the missed events, then live",
      async () => {
        const back = await connected(alice);
        const sub = subscribed(
          await subscribeAfter(back, room, h1, epoch),
          true,
          "resume after a drop",
        );
        assert.equal(sub.seq, h1);
        assert.equal(sub.epoch, epoch);
        await waitForSeq(back, room, h2);
        const missed = roomEvents(back, room);
        assertConsecutive(missed, h1, h2, "replay");
        const live = roomEvents(steady[0], room).filter((e) => e.seq > h1);
        assert.deepEqual(
          missed.map((e) => [e.seq, e.type]),
          live.map((e) => [e.seq, e.type]),
        );
        const kinds = new Set(missed.map((e) => e.type));
        // Renames, roles, requests and moderation are covered in their own tests.
        const elsewhere = [
          "room.updated",
          "member.role",
          "request.accepted",
          "member.muted",
          "member.admitted",
          "skipped",
        ];
        for (const k of ROOM_EVENT_TYPES) {
          if (!elsewhere.includes(k)) assert.ok(kinds.has(k), `missed no ${k}`);
        }
        assert.ok(
          !JSON.stringify(missed).includes(doomed),
          "a replay must not carry a deleted message's text",
        );

        applyEvents(dropped, missed);
        const final = await getSnapshot(base, alice, room);
        assert.equal(final.head.seq, h2);
        assert.deepEqual(messagesOf(dropped), final.items, "resumed vs GET");
        for (const ws of steady) {
          const never = applyEvents(
            stateFrom(snap0.items, count0),
            roomEvents(ws, room),
          );
          assert.deepEqual(
            messagesOf(never),
            final.items,
            "never dropped vs GET",
          );
          assert.equal(never.memberCount, dropped.memberCount);
        }
        assert.equal(
          dropped.memberCount,
          await getMemberCount(base, alice, room),
        );

        const next = ok(
          await sendMessage(base, owner, room, "five", "p-8"),
          201,
        );
        assert.equal(next.seq, h2 + 1);
        await waitForSeq(back, room, next.seq);
        assertConsecutive(roomEvents(back, room), h1, next.seq, "then live");
      },
    );

    let round = 0;
    /** After recovered:false: snapshot, more changes, and the events past the snapshot converge. */
    const convergesFromSnapshot = async (ws: WsClient, sub: Frame) => {
      round++;
      const m = ok(
        await sendMessage(base, owner, room, "fresh", `f-${round}`),
        201,
      );
      ok(await setReaction(base, alice, room, m.seq, "🔥", true));
      const snap = await getSnapshot(base, alice, room);
      assert.ok(sub.seq <= snap.head.seq, "subscribed.seq beyond the head");
      ok(await editMessage(base, owner, room, m.seq, "fresh, edited"));
      ok(
        await sendMessage(base, alice, room, "on fresh", `g-${round}`, {
          threadRoot: m.seq,
        }),
        201,
      );
      ok(await setPin(base, owner, room, m.seq, true));
      ok(await deleteMessage(base, owner, room, m.seq));
      const final = await getSnapshot(base, alice, room);
      await waitForSeq(ws, room, final.head.seq);
      const events = roomEvents(ws, room);
      assertConsecutive(events, sub.seq, final.head.seq, "after the snapshot");
      const state = applyEvents(
        stateFrom(snap.items, 0),
        events,
        snap.head.seq,
      );
      assert.deepEqual(
        messagesOf(state),
        final.items,
        "snapshot + events vs GET",
      );
    };

    await t.step(
      "a wrong epoch answers recovered:false at once, and the snapshot converges",
      async () => {
        const ws = await connected(alice);
        const head = await headNow();
        const sub = subscribed(
          await subscribeAfter(ws, room, head.seq, "not-the-epoch"),
          false,
          "wrong epoch",
        );
        assert.equal(sub.epoch, epoch);
        await convergesFromSnapshot(ws, sub);
      },
    );

    await t.step(
      "an after beyond the log answers recovered:false at once, and the snapshot converges",
      async () => {
        const ws = await connected(alice);
        const head = await headNow();
        const sub = subscribed(
          await subscribeAfter(ws, room, head.seq + 1_000, epoch),
          false,
          "after past the head",
        );
        assert.equal(sub.epoch, epoch);
        await convergesFromSnapshot(ws, sub);
      },
    );
  } finally {
    await Promise.all(open.map((ws) => ws.close()));
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("resume - with BroadcastChannel off, a leaver's sockets on both isolates get member.left, unsubscribed, then nothing", async () => {
  const server = await startServer({ VICINITY_BROADCAST: "off" });
  const base = server.url;
  const open: WsClient[] = [];
  try {
    const owner = await registerUser(base, "own");
    const leaver = await registerUser(base, "lvr");
    const room = (await createRoom(base, owner, HERE)).id;
    await joinRoom(base, leaver, room, HERE);
    const leavers = (await connectOnBothIsolates(base, [leaver], 2)).map((s) =>
      s.ws
    );
    open.push(...leavers);
    const owners = await connectOnBothIsolates(base, [owner], 2);
    open.push(...owners.map((s) => s.ws));
    for (const ws of open) {
      assert.equal((await subscribe(ws, room)).type, "subscribed");
    }

    // Without hints, kv.watch alone carries events across isolates.
    for (const s of owners) {
      const m = await wsSendOk(s.ws, room, `from ${s.isolate}`, s.isolate);
      for (const ws of open) await waitForSeq(ws, room, m.seq);
    }

    await leaveRoom(base, leaver, room);
    for (const ws of leavers) {
      const left = await ws.next((f) =>
        f.type === "member.left" && f.room === room
      );
      assert.equal(left.userId, leaver.user.id);
      const unsub = await ws.next((f) =>
        f.type === "unsubscribed" && f.room === room
      );
      assert.equal(unsub.reason, "left");
      assert.ok(
        ws.frames.indexOf(left) < ws.frames.indexOf(unsub),
        "member.left comes before unsubscribed",
      );
    }
    for (const s of owners) {
      const left = await s.ws.next((f) => f.type === "member.left");
      assert.equal(left.userId, leaver.user.id);
    }

    const m = await wsSendOk(owners[0].ws, room, "after you left", "after-1");
    await actOk(owners[1].ws, {
      type: "reaction.set",
      room,
      seq: m.seq,
      emoji: "👋",
      on: true,
    });
    const end = ok(await sendMessage(base, owner, room, "end", "after-2"), 201);
    for (const s of owners) await waitForSeq(s.ws, room, end.seq);
    for (const ws of leavers) {
      ws.send({ type: "ping", id: "barrier" });
      await ws.next((f) => f.type === "pong" && f.id === "barrier");
      const unsubAt = ws.frames.findIndex((f) =>
        f.type === "unsubscribed" && f.room === room
      );
      const after = ws.frames.slice(unsubAt + 1).filter((f) => f.room === room);
      assert.deepEqual(after, [], "a leaver gets nothing after unsubscribed");
      const again = await subscribe(ws, room);
      assert.equal(again.type, "error");
      assert.equal(again.code, "not_member");
    }
  } finally {
    await Promise.all(open.map((ws) => ws.close()));
    assert.equal(await server.stop(), 0);
  }
});
