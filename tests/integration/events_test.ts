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
  assertConsecutive,
  roomEvents,
  scanKvFile,
  waitForSeq,
  wsSendOk,
} from "../helpers/events.ts";
import { startServer } from "../helpers/server.ts";
import {
  connectOnBothIsolates,
  subscribe,
  type UserSocket,
  type WsClient,
} from "../helpers/ws.ts";
import type { RoomEventFrame } from "../../lib/shared/protocol.ts";

const HERE = { lat: 48.8566, lng: 2.3522 };

/** Asserts an HTTP answer's status and answers its body. */
function ok(res: ApiResult, status = 200) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.type, /application\/json/);
  return res.body;
}

/** How many events of each type a list holds. */
function countTypes(events: { type: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

/** A secret only the doomed messages carry, to look for in storage after their delete. */
const secret = (tag: string) => `${tag}-${crypto.randomUUID()}`;

Deno.test("events - every change reaches every socket on both isolates in one order, once", async (t) => {
  const server = await startServer();
  const base = server.url;
  const sockets: UserSocket[] = [];
  try {
    const owner = await registerUser(base, "own");
    const alice = await registerUser(base, "ali");
    const bob = await registerUser(base, "bob");
    const joiner = await registerUser(base, "joi");
    const room = (await createRoom(base, owner, HERE)).id;
    await joinRoom(base, alice, room, HERE);
    await joinRoom(base, bob, room, HERE);
    const members = await getMemberCount(base, owner, room);
    assert.equal(members, 3);

    // Every user holds a socket on each isolate, all subscribed to the room.
    for (const u of [owner, alice, bob]) {
      sockets.push(...await connectOnBothIsolates(base, [u], 2));
    }
    const isolates = [...new Set(sockets.map((s) => s.isolate))];
    assert.equal(isolates.length, 2);
    const on = (u: TestUser, iso: string): WsClient =>
      sockets.find((s) => s.user === u && s.isolate === iso)!.ws;
    const [iso1, iso2] = isolates;
    const head0 = (await getSnapshot(base, owner, room)).head;
    for (const s of sockets) {
      const sub = await subscribe(s.ws, room);
      assert.equal(sub.type, "subscribed", JSON.stringify(sub));
      assert.equal(sub.seq, head0.seq, "subscribed.seq is the head");
      assert.equal(sub.epoch, head0.epoch);
    }
    const start = head0.seq;
    const a1 = on(alice, iso1);
    const b2 = on(bob, iso2);
    const o1 = on(owner, iso1);
    const o2 = on(owner, iso2);

    const secrets = [secret("sa"), secret("sa2"), secret("sb"), secret("sb2")];
    const kept = secret("kept");
    const expected: string[] = [];
    /** Event seq an action answered with → the event type it must be. */
    const acked = new Map<number, string>();
    let m1Seq = 0;
    let r1Seq = 0;
    let last = start;

    await t.step(
      "sequential changes arrive in the order they were made",
      async () => {
        const m1 = await wsSendOk(a1, room, "first words", "s-1");
        m1Seq = m1.seq;
        acked.set(m1.seq, "message.new");
        const m2 = ok(
          await sendMessage(base, bob, room, `doomed ${secrets[2]}`, "s-2"),
          201,
        );
        acked.set(m2.seq, "message.new");
        const r1 = await wsSendOk(b2, room, "a reply", "s-3", {
          threadRoot: m1.seq,
        });
        r1Seq = r1.seq;
        assert.equal(r1.threadRoot, m1.seq);
        const r2 = ok(
          await sendMessage(base, alice, room, "reply to a reply", "s-4", {
            threadRoot: r1.seq,
          }),
          201,
        );
        assert.equal(
          r2.threadRoot,
          m1.seq,
          "a reply to a reply joins the root",
        );
        expected.push(
          "message.new",
          "message.new",
          "message.new",
          "thread.updated",
          "message.new",
          "thread.updated",
        );

        acked.set(
          await actOk(a1, {
            type: "message.edit",
            room,
            seq: m1.seq,
            text: `first words, ${kept}`,
          }),
          "message.edited",
        );
        ok(await editMessage(base, bob, room, m2.seq, `edit ${secrets[3]}`));
        acked.set(
          await actOk(a1, {
            type: "reaction.set",
            room,
            seq: m2.seq,
            emoji: "👍",
            on: true,
          }),
          "reaction.updated",
        );
        const twice = ok(
          await setReaction(base, bob, room, m2.seq, "👍", true),
        );
        assert.equal(twice.messageSeq, m2.seq);
        assert.deepEqual(
          twice.reactions.map((r: { count: number }) => r.count),
          [
            2,
          ],
        );
        ok(await setReaction(base, alice, room, m2.seq, "👍", false));
        acked.set(
          await actOk(o2, { type: "pin.set", room, seq: m1.seq, pinned: true }),
          "pin.updated",
        );
        ok(await setPin(base, owner, room, m1.seq, false));
        expected.push(
          "message.edited",
          "message.edited",
          "reaction.updated",
          "reaction.updated",
          "reaction.updated",
          "pin.updated",
          "pin.updated",
        );

        const m3 = ok(
          await sendMessage(base, alice, room, `doomed ${secrets[0]}`, "s-5"),
          201,
        );
        ok(await editMessage(base, alice, room, m3.seq, `edit ${secrets[1]}`));
        acked.set(
          await actOk(a1, { type: "message.delete", room, seq: m3.seq }),
          "message.deleted",
        );
        const gone = ok(await deleteMessage(base, owner, room, m2.seq));
        assert.equal(gone.deleted, true);
        assert.equal(gone.text, "");
        await joinRoom(base, joiner, room, HERE);
        await leaveRoom(base, joiner, room);
        expected.push(
          "message.new",
          "message.edited",
          "message.deleted",
          "message.deleted",
          "member.joined",
          "member.left",
        );

        last = (await getSnapshot(base, owner, room)).head.seq;
        assert.equal(last, start + expected.length, "one event per change");
        for (const s of sockets) await waitForSeq(s.ws, room, last);
        const ref = roomEvents(sockets[0].ws, room);
        assertConsecutive(ref, start, last, "reference socket");
        assert.deepEqual(ref.map((e) => e.type), expected);
        for (const [seq, type] of acked) {
          assert.equal(ref[seq - start - 1].type, type, `ack seq ${seq}`);
        }

        const of = <T extends RoomEventFrame["type"]>(type: T) =>
          ref.filter((e) => e.type === type) as Extract<
            RoomEventFrame,
            { type: T }
          >[];
        assert.deepEqual(
          of("thread.updated").map((e) => [e.rootSeq, e.replyCount]),
          [[m1.seq, 1], [m1.seq, 2]],
        );
        assert.deepEqual(
          of("reaction.updated").map((e) => [
            e.messageSeq,
            e.on,
            e.reactions.map((r) => r.count),
          ]),
          [[m2.seq, true, [1]], [m2.seq, true, [2]], [m2.seq, false, [1]]],
        );
        assert.deepEqual(
          of("pin.updated").map((e) => [e.messageSeq, e.pinned, e.by]),
          [[m1.seq, true, owner.user.id], [m1.seq, false, owner.user.id]],
        );
        for (const d of of("message.deleted")) {
          assert.equal(d.message.text, "");
          assert.equal(d.message.deleted, true);
          assert.deepEqual(d.message.reactions, []);
        }
        assert.deepEqual(
          of("message.deleted").map((d) => d.message.seq),
          [m3.seq, m2.seq],
        );
        const joined = of("member.joined")[0];
        assert.equal(joined.user.id, joiner.user.id);
        assert.equal(joined.memberCount, members + 1);
        const left = of("member.left")[0];
        assert.equal(left.userId, joiner.user.id);
        assert.equal(left.memberCount, members);

        for (const s of sockets) {
          const events = roomEvents(s.ws, room);
          assertConsecutive(events, start, last, `socket on ${s.isolate}`);
          assert.deepEqual(events, ref, `socket on ${s.isolate}`);
        }
      },
    );

    await t.step(
      "concurrent changes from both isolates arrive in one order",
      async () => {
        const before = last;
        const emoji = ["🎉", "🔥", "👀", "🙂"];
        await Promise.all([
          (async () => {
            for (let i = 0; i < 5; i++) {
              const m = await wsSendOk(a1, room, `a${i}`, `c-a${i}`);
              acked.set(m.seq, "message.new");
            }
          })(),
          (async () => {
            for (let i = 0; i < 3; i++) {
              const seq = await actOk(b2, {
                type: "message.edit",
                room,
                seq: r1Seq,
                text: `reply v${i}`,
              });
              acked.set(seq, "message.edited");
            }
          })(),
          (async () => {
            for (const e of emoji) {
              const seq = await actOk(o1, {
                type: "reaction.set",
                room,
                seq: m1Seq,
                emoji: e,
                on: true,
              });
              acked.set(seq, "reaction.updated");
            }
          })(),
          (async () => {
            const seq = await actOk(o2, {
              type: "pin.set",
              room,
              seq: m1Seq,
              pinned: true,
            });
            acked.set(seq, "pin.updated");
            ok(await setPin(base, owner, room, m1Seq, false));
          })(),
          (async () => {
            for (let i = 0; i < 5; i++) {
              const m = ok(
                await sendMessage(base, bob, room, `b${i}`, `c-b${i}`),
                201,
              );
              acked.set(m.seq, "message.new");
            }
          })(),
          (async () => {
            for (let i = 0; i < 2; i++) {
              const m = ok(
                await sendMessage(base, alice, room, `t${i}`, `c-t${i}`, {
                  threadRoot: m1Seq,
                }),
                201,
              );
              acked.set(m.seq, "message.new");
            }
          })(),
        ]);
        const sentinel = ok(
          await sendMessage(base, owner, room, "sentinel", "c-end"),
          201,
        );
        last = sentinel.seq;
        // 5 + 5 + 2 messages, 2 thread updates, 3 edits, 4 reactions, 2 pins, the sentinel.
        assert.equal(last, before + 24, "one event per change");
        for (const s of sockets) await waitForSeq(s.ws, room, last);
        for (const s of sockets) {
          s.ws.send({ type: "ping", id: "barrier" });
          await s.ws.next((f) => f.type === "pong" && f.id === "barrier");
        }
        const ref = roomEvents(sockets[0].ws, room);
        assertConsecutive(ref, start, last, "reference socket");
        assert.deepEqual(countTypes(ref.slice(before - start)), {
          "message.new": 13,
          "thread.updated": 2,
          "message.edited": 3,
          "reaction.updated": 4,
          "pin.updated": 2,
        });
        for (const [seq, type] of acked) {
          assert.equal(ref[seq - start - 1].type, type, `ack seq ${seq}`);
        }
        const threads = ref.slice(before - start).filter((e) =>
          e.type === "thread.updated"
        );
        assert.deepEqual(
          threads.map((e) => e.type === "thread.updated" && e.replyCount),
          [3, 4],
        );
        for (const s of sockets) {
          const events = roomEvents(s.ws, room);
          assertConsecutive(events, start, last, `socket on ${s.isolate}`);
          assert.deepEqual(events, ref, `socket on ${s.isolate}`);
        }
      },
    );

    await t.step("a deleted message's text is gone from storage", async () => {
      const snap = await getSnapshot(base, owner, room);
      const tombstones = snap.items.filter((m) => m.deleted);
      assert.equal(tombstones.length, 2);
      for (const m of tombstones) {
        assert.equal(m.text, "");
        assert.deepEqual(m.reactions, []);
      }
      const dump = await scanKvFile(server.kvPath);
      assert.ok(dump.includes(kept), "the scan sees stored text");
      for (const s of secrets) {
        assert.ok(!dump.includes(s), `deleted text ${s} is still stored`);
      }
    });
  } finally {
    await Promise.all(sockets.map((s) => s.ws.close()));
    assert.equal(await server.stop(), 0);
  }
});
