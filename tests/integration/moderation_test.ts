import assert from "node:assert/strict";
import {
  api,
  createRoom,
  joinRoom,
  registerUser,
  type TestUser,
} from "../helpers/api.ts";
import {
  HERE,
  inboxOf,
  ok,
  onContract,
  refused,
  say,
} from "../helpers/conversations.ts";
import {
  connectOn,
  roomEvents,
  subscribeAfter,
  waitForSeq,
} from "../helpers/events.ts";
import { act, auditEntries, grantSiteRole } from "../helpers/moderation.ts";
import { startServer } from "../helpers/server.ts";
import { connect, subscribe } from "../helpers/ws.ts";

const post = (base: string, u: TestUser, room: string, text: string) =>
  api(base, `/rooms/${room}/messages`, {
    token: u.token,
    body: { text, clientId: crypto.randomUUID().slice(0, 16) },
  });

Deno.test("moderation - mute, kick, ban and slow mode in a room, each audited", async (t) => {
  const server = await startServer();
  const base = server.url;
  try {
    const [owner, admin, member, other] = await Promise.all(
      ["own", "adm", "mem", "oth"].map((p) => registerUser(base, p)),
    );
    const room = (await createRoom(base, owner, HERE)).id;
    for (const u of [admin, member, other]) await joinRoom(base, u, room, HERE);
    // An admin is a stored role in a proximity room (no endpoint promotes there yet).
    const kv = await Deno.openKv(server.kvPath);
    for (
      const k of [["room_members", room, admin.user.id], [
        "rooms_by_member",
        admin.user.id,
        room,
      ]]
    ) {
      const e = await kv.get<Record<string, unknown>>(k);
      await kv.set(k, { ...e.value, role: "admin" });
    }
    kv.close();
    const m = `/rooms/${room}/members`;

    await t.step(
      "a mute silences posts and reactions until lifted; members see member.muted",
      async () => {
        const seq = ok(await post(base, other, room, "react to me"), 201).seq;
        const { ws } = await connect(base, other);
        try {
          assert.equal((await subscribe(ws, room)).type, "subscribed");
          await act(base, admin, "POST", `${m}/${member.user.id}/mute`, {
            minutes: 10,
            reason: "cool off",
          });
          const ev = onContract(
            await ws.next((f) => f.type === "member.muted"),
          );
          assert.equal(ev.userId, member.user.id);
          assert.ok(Date.parse(ev.until) > Date.now());
        } finally {
          await ws.close();
        }
        refused(await post(base, member, room, "hello?"), 403, "muted");
        refused(
          await api(base, `/rooms/${room}/messages/${seq}/reactions`, {
            token: member.token,
            body: { emoji: "👍", on: true },
          }),
          403,
          "muted",
        );
        const list = ok(
          await api(base, `${m}?limit=10`, { token: owner.token }),
        );
        const row = list.items.find((i: { id: string }) =>
          i.id === member.user.id
        );
        assert.ok(row.mutedUntil);
        await act(base, admin, "DELETE", `${m}/${member.user.id}/mute`);
        ok(await post(base, member, room, "I'm back"), 201);
      },
    );

    await t.step(
      "who may act on whom: members on nobody, admins on members, nobody on the owner",
      async () => {
        refused(
          await api(base, `${m}/${other.user.id}/mute`, {
            token: member.token,
            body: { minutes: 5 },
          }),
          403,
          "not_allowed",
        );
        refused(
          await api(base, `${m}/${owner.user.id}/kick`, {
            token: admin.token,
            body: {},
          }),
          403,
          "not_allowed",
        );
        refused(
          await api(base, `${m}/${admin.user.id}/mute`, {
            token: admin.token,
            body: { minutes: 5 },
          }),
          403,
          "not_allowed",
        );
        refused(
          await api(base, `${m}/${member.user.id}/mute`, {
            token: admin.token,
            body: { minutes: 0 },
          }),
          400,
          "invalid_request",
        );
      },
    );

    await t.step(
      "a kick removes (they may come back); a ban removes and refuses joins until lifted",
      async () => {
        await act(base, admin, "POST", `${m}/${other.user.id}/kick`, {
          reason: "spam",
        });
        refused(
          await post(base, other, room, "still here?"),
          403,
          "not_member",
        );
        await joinRoom(base, other, room, HERE);
        await act(base, owner, "PUT", `/rooms/${room}/bans/${other.user.id}`, {
          reason: "again",
          days: 3,
        });
        refused(await post(base, other, room, "?"), 403, "not_member");
        refused(
          await api(base, `/rooms/${room}/join`, {
            token: other.token,
            body: { ...HERE, accuracy: 5 },
          }),
          403,
          "banned_from_room",
        );
        const bans = ok(
          await api(base, `/rooms/${room}/bans`, { token: admin.token }),
        );
        assert.deepEqual(
          bans.items.map((
            b: { userId: string; reason: string },
          ) => [b.userId, b.reason]),
          [[other.user.id, "again"]],
        );
        await act(
          base,
          admin,
          "DELETE",
          `/rooms/${room}/bans/${other.user.id}`,
        );
        await joinRoom(base, other, room, HERE);
      },
    );

    await t.step(
      "slow mode: members wait between messages, admins do not",
      async () => {
        const { ws } = await connect(base, member);
        try {
          assert.equal((await subscribe(ws, room)).type, "subscribed");
          await act(base, owner, "PUT", `/rooms/${room}/slow-mode`, {
            seconds: 120,
          });
          const ev = onContract(
            await ws.next((f) => f.type === "room.updated"),
          );
          assert.equal(ev.slowModeS, 120);
        } finally {
          await ws.close();
        }
        ok(await post(base, member, room, "one"), 201);
        const res = await post(base, member, room, "two");
        refused(res, 429, "slow_mode");
        assert.ok(res.body.error.details.retryAfterS > 100);
        ok(await post(base, admin, room, "admins are exempt"), 201);
        ok(await post(base, admin, room, "twice"), 201);
        const view = ok(
          await api(base, `/rooms/${room}`, { token: member.token }),
        );
        assert.equal(view.slowModeS, 120);
        await act(base, owner, "PUT", `/rooms/${room}/slow-mode`, {
          seconds: 0,
        });
        ok(await post(base, member, room, "free again"), 201);
      },
    );

    await t.step("every action above is in the audit log", async () => {
      const actions = (await auditEntries(server.kvPath)).map((e) =>
        `${e.action} ${e.actor}`
      );
      for (
        const want of [
          `member.mute ${admin.user.id}`,
          `member.unmute ${admin.user.id}`,
          `member.kick ${admin.user.id}`,
          `member.ban ${owner.user.id}`,
          `member.unban ${admin.user.id}`,
          `room.slow_mode ${owner.user.id}`,
        ]
      ) assert.ok(actions.includes(want), `${want} in ${actions.join(", ")}`);
    });
  } finally {
    await server.stop();
  }
});

Deno.test("moderation - a shadow ban hides new messages from everyone but their author, live and on resume", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const [mod, troll, reader] = await Promise.all(
      ["mod", "troll", "reader"].map((p) => registerUser(base, p)),
    );
    await grantSiteRole(server.kvPath, mod, "moderator");
    const room = (await createRoom(base, reader, HERE)).id;
    await joinRoom(base, troll, room, HERE);
    const before = ok(await post(base, troll, room, "before the ban"), 201);
    refused(
      await api(base, `/admin/users/${troll.user.id}/shadow-ban`, {
        method: "PUT",
        token: reader.token,
        body: { reason: "nope" },
      }),
      403,
      "not_allowed",
    );
    await act(base, mod, "PUT", `/admin/users/${troll.user.id}/shadow-ban`, {
      reason: "spam wave",
    });

    const live = await connect(base, reader);
    const own = await connectOn(base, troll, (iso) => iso !== live.isolate);
    try {
      for (const ws of [live.ws, own.ws]) {
        assert.equal((await subscribe(ws, room)).type, "subscribed");
      }
      const hidden = ok(
        await post(base, troll, room, `@${reader.user.handle} buy now`),
        201,
      );
      const after = await say(base, reader, room, "a normal message");
      await waitForSeq(live.ws, room, after.seq);
      await waitForSeq(own.ws, room, after.seq);
      // The reader's socket gets a gap-free placeholder, the author the message itself.
      const seen = roomEvents(live.ws, room).map((e) => [e.seq, e.type]);
      assert.deepEqual(seen.find(([s]) => s === hidden.seq), [
        hidden.seq,
        "skipped",
      ]);
      assert.ok(
        !JSON.stringify(live.ws.frames).includes("buy now"),
        "the text never reaches the reader",
      );
      const mine = roomEvents(own.ws, room).find((e) => e.seq === hidden.seq);
      assert.equal(mine?.type, "message.new");

      // Resume from before: the same answer.
      const back = await connect(base, reader);
      try {
        const sub = await subscribeAfter(back.ws, room, before.seq);
        assert.equal(sub.recovered, true);
        await waitForSeq(back.ws, room, after.seq);
        assert.ok(!JSON.stringify(back.ws.frames).includes("buy now"));
        const replay = roomEvents(back.ws, room).map((e) => e.type);
        assert.ok(replay.includes("skipped"));
      } finally {
        await back.ws.close();
      }
    } finally {
      await live.ws.close();
      await own.ws.close();
    }

    // REST: the author sees it, nobody else does, not even by seq.
    const texts = async (u: TestUser) =>
      ok(await api(base, `/rooms/${room}/messages`, { token: u.token }))
        .items.map((m: { text: string }) => m.text);
    assert.ok((await texts(troll)).some((t: string) => t.includes("buy now")));
    assert.ok(
      !(await texts(reader)).some((t: string) => t.includes("buy now")),
    );
    refused(
      await api(base, `/rooms/${room}/messages/${before.seq + 1}`, {
        token: reader.token,
      }),
      404,
      "not_found",
    );
    // It neither counts as unread nor notifies.
    const unread = async () => (await inboxOf(base, reader)).items[0].unread;
    assert.equal(await unread(), 0);
    ok(await post(base, troll, room, "more spam"), 201);
    assert.equal(await unread(), 0);
    const notes = ok(
      await api(base, "/notifications", { token: reader.token }),
    );
    assert.equal(notes.items.length, 0);

    const standing = ok(
      await api(base, `/admin/users/${troll.user.id}`, { token: mod.token }),
    );
    assert.equal(standing.shadowBanned, true);
    await act(base, mod, "DELETE", `/admin/users/${troll.user.id}/shadow-ban`);
    ok(await post(base, troll, room, "visible again"), 201);
    assert.ok((await texts(reader)).includes("visible again"));
    assert.equal(await unread(), 1);

    // A site ban ends every session.
    await act(base, mod, "PUT", `/admin/users/${troll.user.id}/ban`, {
      reason: "enough",
    });
    assert.equal((await api(base, "/me", { token: troll.token })).status, 401);
    const actions = (await auditEntries(server.kvPath)).map((e) => e.action);
    for (const a of ["user.shadow_ban", "user.shadow_unban", "user.ban"]) {
      assert.ok(actions.includes(a), a);
    }
  } finally {
    await server.stop();
  }
});

Deno.test("moderation - a send with a listed word lands in the queue as an automatic flag", async () => {
  const server = await startServer({ VICINITY_FLAG_WORDS: "scam,free money" });
  const base = server.url;
  try {
    const [owner, writer] = await Promise.all(
      ["own", "wri"].map((p) => registerUser(base, p)),
    );
    const room = (await createRoom(base, owner, HERE)).id;
    await joinRoom(base, writer, room, HERE);
    ok(await post(base, writer, room, "a perfectly fine message"), 201);
    const bad = ok(await post(base, writer, room, "FR3E M0NEY here"), 201);
    // Flags run after the send answered: wait for the queue, bounded.
    const queue = () =>
      api(base, `/moderation/reports?status=open&room=${room}`, {
        token: owner.token,
      });
    let items: { source: string; rules: string[]; messageSeq: number }[] = [];
    for (let i = 0; i < 100 && items.length === 0; i++) {
      items = ok(await queue()).items;
      if (items.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(items.length, 1);
    assert.equal(items[0].source, "auto");
    assert.deepEqual(items[0].rules, ["words"]);
    assert.equal(items[0].messageSeq, bad.seq);
  } finally {
    await server.stop();
  }
});
