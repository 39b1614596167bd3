import assert from "node:assert/strict";
import { api, joinRoom, registerUser, type TestUser } from "../helpers/api.ts";
import {
  groupOf,
  HERE,
  inboxOf,
  itemOf,
  neighbours,
  ok,
  onContract,
  say,
  startDirect,
} from "../helpers/conversations.ts";
import { frameFrom, wsSendOk } from "../helpers/events.ts";
import { startServer } from "../helpers/server.ts";
import { connect, connectOnBothIsolates } from "../helpers/ws.ts";

/** Every message of a room, oldest first, as one member reads them. */
async function allMessages(base: string, u: TestUser, room: string) {
  const page = ok(
    await api(base, `/rooms/${room}/messages?limit=200`, { token: u.token }),
  );
  assert.equal(page.cursor, null, "one page holds them all");
  return page.items as { seq: number; author: { id: string } }[];
}

/** A member's read mark, from the receipts (everyone here reads publicly). */
async function markOf(base: string, u: TestUser, room: string) {
  const r = ok(await api(base, `/rooms/${room}/receipts`, { token: u.token }));
  return (r.items as { userId: string; seq: number }[])
    .find((m) => m.userId === u.user.id)?.seq ?? 0;
}

const unreadOf = async (base: string, u: TestUser, room: string) =>
  (await itemOf(base, u, room)).unread as number;

Deno.test("inbox - unread counts stay exact while three people send across both isolates", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const [owner, x, y, z] = await Promise.all(
      ["own", "x", "y", "z"].map((p) => registerUser(base, p)),
    );
    const group = await groupOf(base, owner, [x, y, z]);
    const sockets = await connectOnBothIsolates(base, [x, y, z], 3);
    const senders = [x, y, z].map((u) => sockets.find((s) => s.user === u)!);
    const PER = 15;
    let marks = 0;
    await Promise.all([
      ...senders.map(async (s, i) => {
        for (let n = 0; n < PER; n++) {
          await wsSendOk(s.ws, group, `${i}:${n}`, `c${i}-${n}`);
        }
      }),
      // The owner reads while they write: marks race the messages.
      (async () => {
        for (let n = 0; n < 10; n++) {
          const head = (await allMessages(base, owner, group)).at(-1)?.seq;
          if (head) {
            ok(
              await api(base, `/rooms/${group}/read`, {
                token: owner.token,
                body: { seq: head },
              }),
              204,
            );
            marks++;
          }
        }
      })(),
    ]);
    assert.ok(marks > 0);
    const messages = await allMessages(base, owner, group);
    assert.equal(messages.length, 3 * PER);
    for (const u of [owner, x, y, z]) {
      const mark = await markOf(base, u, group);
      // Sending reads: a writer's mark is at least their own last message.
      const own = messages.filter((m) => m.author.id === u.user.id).at(-1);
      if (own) assert.ok(mark >= own.seq, `${u.user.handle} mark ${mark}`);
      const expected = messages.filter((m) => m.seq > mark).length;
      assert.equal(await unreadOf(base, u, group), expected, u.user.handle);
      assert.ok(
        messages.filter((m) => m.seq > mark && m.author.id === u.user.id)
          .length === 0,
        "own messages are never unread",
      );
    }
    const total = ok(await api(base, "/inbox/unread", { token: owner.token }));
    assert.equal(total.total, await unreadOf(base, owner, group));
    ok(
      await api(base, `/inbox/${group}/read`, {
        method: "POST",
        token: owner.token,
      }),
      204,
    );
    assert.equal(await unreadOf(base, owner, group), 0);
    await say(base, x, group, "one more");
    assert.equal(await unreadOf(base, owner, group), 1);
    await Promise.all(sockets.map((s) => s.ws.close()));
  } finally {
    await server.stop();
  }
});

Deno.test("inbox - order, paging, mark all read, and delete for me", async (t) => {
  const server = await startServer();
  const base = server.url;
  try {
    const { users: [me, a, b, c], room: shared } = await neighbours(base, 4);
    const dms: Record<string, string> = {};
    for (const u of [a, b, c]) {
      dms[u.user.id] = ok(await startDirect(base, u, me), 201).id;
      await say(base, me, dms[u.user.id], `hi ${u.user.handle}`);
    }

    await t.step(
      "most recent activity first, paged by cursor without gaps or repeats",
      async () => {
        await say(base, b, dms[b.user.id], "latest");
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const q: string = `?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
          const page = await inboxOf(base, me, q);
          seen.push(...page.items.map((i: { roomId: string }) => i.roomId));
          cursor = page.cursor;
          pages++;
        } while (cursor && pages < 10);
        assert.equal(pages, 2);
        assert.deepEqual(
          [...seen].sort(),
          [shared, ...Object.values(dms)].sort(),
        );
        assert.equal(seen[0], dms[b.user.id], "the latest message leads");
        const all = (await inboxOf(base, me, "?limit=10")).items;
        const times = all.map((i: { activityAt: string }) => i.activityAt);
        assert.deepEqual(times, [...times].sort().reverse());
        const only = (await inboxOf(base, me, "?filter=conversations")).items;
        assert.ok(only.every((i: { kind: string }) => i.kind === "direct"));
        assert.equal(only.length, 3);
        const latest = all[0];
        assert.equal(latest.preview.text, "latest");
        assert.equal(latest.preview.author.id, b.user.id);
        assert.equal(latest.unread, 1);
        assert.equal(latest.title, b.user.displayName);
      },
    );

    await t.step("mark all read clears every count", async () => {
      await say(base, a, dms[a.user.id], "ping");
      await say(base, c, shared, "room news");
      const before = ok(await api(base, "/inbox/unread", { token: me.token }));
      assert.deepEqual(before, { total: 3, rooms: 3, requests: 0 });
      const res = ok(
        await api(base, "/inbox/read-all", { method: "POST", token: me.token }),
      );
      assert.equal(res.marked, 3);
      assert.deepEqual(
        ok(await api(base, "/inbox/unread", { token: me.token })),
        { total: 0, rooms: 0, requests: 0 },
      );
    });

    await t.step(
      "delete for me hides it until a new message; the other side keeps it",
      async () => {
        const dm = dms[c.user.id];
        ok(
          await api(base, `/inbox/${dm}`, {
            method: "DELETE",
            token: me.token,
          }),
          204,
        );
        assert.equal(await itemOf(base, me, dm), undefined);
        assert.ok(await itemOf(base, c, dm), "the other side keeps it");
        // Still a member: its history is readable, and a new message brings it back.
        ok(await api(base, `/rooms/${dm}/messages`, { token: me.token }));
        await say(base, c, dm, "are you there?");
        const back = await itemOf(base, me, dm);
        assert.equal(back.unread, 1);
        assert.equal(back.preview.text, "are you there?");
      },
    );
  } finally {
    await server.stop();
  }
});

Deno.test("inbox - activity, additions and removals arrive live on the socket", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const { users: [me, a] } = await neighbours(base, 2);
    const owner = await registerUser(base, "own");
    const dm = ok(await startDirect(base, me, a), 201).id;
    await say(base, me, dm, "hello");
    await say(base, a, dm, "hi back");
    const { ws } = await connect(base, me);
    try {
      ws.send({ type: "notifications.subscribe" });
      await ws.next((f) => f.type === "notifications.subscribed");
      ws.send({ type: "inbox.subscribe" });
      const sub = onContract(
        await ws.next((f) => f.type === "inbox.subscribed"),
      );
      assert.equal(sub.rooms, 2);
      const base0 = await itemOf(base, me, dm);
      const m = await say(base, a, dm, "live one");
      const act = onContract(
        await ws.next((f) => f.type === "inbox.activity" && f.room === dm),
      );
      assert.equal(act.seq, m.seq);
      assert.ok(act.seq > base0.seq);
      assert.equal(act.from.id, a.user.id);
      assert.equal(act.preview, "live one");

      // Added to a group: the stream says so, and the inbox follows it from then on.
      const group = await groupOf(base, owner, [me]);
      const added = onContract(
        await ws.next((f) => f.type === "inbox.changed" && f.room === group),
      );
      assert.equal(added.why, "added");
      const since = ws.frames.length;
      const g = await say(base, owner, group, "welcome");
      const gAct = await frameFrom(
        ws,
        since,
        (f) => f.type === "inbox.activity" && f.room === group,
      );
      assert.equal(gAct.seq, g.seq);

      // Reading in another tab tells this one.
      ok(
        await api(base, `/inbox/${dm}/read`, {
          method: "POST",
          token: me.token,
        }),
        204,
      );
      const read = onContract(
        await ws.next((f) =>
          f.type === "inbox.changed" && f.room === dm && f.why === "read"
        ),
      );
      assert.equal(read.why, "read");

      // Removed from the group: it leaves the inbox.
      ok(
        await api(base, `/rooms/${group}/members/${me.user.id}`, {
          method: "DELETE",
          token: owner.token,
        }),
        204,
      );
      onContract(
        await ws.next((f) => f.type === "inbox.removed" && f.room === group),
      );
      assert.equal(await itemOf(base, me, group), undefined);
    } finally {
      await ws.close();
    }
  } finally {
    await server.stop();
  }
});

Deno.test("inbox - a proximity room joined in another tab joins this tab's live inbox", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const { users: [owner], room } = await neighbours(base, 2);
    const me = await registerUser(base, "tabs");
    const { ws } = await connect(base, me);
    try {
      ws.send({ type: "notifications.subscribe" });
      await ws.next((f) => f.type === "notifications.subscribed");
      ws.send({ type: "inbox.subscribe" });
      await ws.next((f) => f.type === "inbox.subscribed");
      // Another tab joins: this socket's own stream says so.
      await joinRoom(base, me, room, HERE);
      const added = onContract(
        await ws.next((f) => f.type === "inbox.changed" && f.room === room),
      );
      assert.equal(added.why, "added");
      // And the inbox follows the room from then on.
      const since = ws.frames.length;
      const m = await say(base, owner, room, "welcome, neighbour");
      const act = await frameFrom(
        ws,
        since,
        (f) => f.type === "inbox.activity" && f.room === room,
      );
      assert.equal(act.seq, m.seq);
      assert.ok(await itemOf(base, me, room), "listed in the inbox");
    } finally {
      await ws.close();
    }
  } finally {
    await server.stop();
  }
});
