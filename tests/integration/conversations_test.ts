import assert from "node:assert/strict";
import { api, registerUser } from "../helpers/api.ts";
import {
  groupOf,
  HERE,
  itemOf,
  neighbours,
  ok,
  onContract,
  refused,
  say,
  startDirect,
} from "../helpers/conversations.ts";
import { startServer } from "../helpers/server.ts";
import { connect, subscribe } from "../helpers/ws.ts";

Deno.test("conversations - direct messages, requests and blocks", async (t) => {
  const server = await startServer();
  const base = server.url;
  try {
    await t.step(
      "two people starting the same DM at once get one conversation",
      async () => {
        const { users: [a, b] } = await neighbours(base, 2);
        const answers = await Promise.all([
          ...Array.from({ length: 4 }, () => startDirect(base, a, b)),
          ...Array.from({ length: 4 }, () => startDirect(base, b, a)),
        ]);
        const ids = new Set(answers.map((r) => ok(r, r.status).id));
        assert.equal(ids.size, 1, "one conversation per pair");
        assert.equal(answers.filter((r) => r.status === 201).length, 1);
        const [room] = ids;
        assert.equal(answers[0].body.kind, "direct");
        assert.equal(answers[0].body.lat, null);
        // Both asked, so neither waits on the other: the request is accepted.
        for (const u of [a, b]) {
          assert.equal((await itemOf(base, u, room)).request, null);
        }
      },
    );

    await t.step(
      "a DM between proximity neighbours is a request: one message, then accept",
      async () => {
        const { users: [a, b] } = await neighbours(base, 2);
        const dm = ok(await startDirect(base, a, b), 201).id;
        assert.equal((await itemOf(base, a, dm)).request, "outgoing");
        const incoming = await itemOf(base, b, dm);
        assert.equal(incoming.request, "incoming");
        assert.equal(incoming.title, a.user.displayName);
        assert.equal(incoming.peer.handle, a.user.handle);
        await say(base, a, dm, "hello from the bar");
        refused(
          await api(base, `/rooms/${dm}/messages`, {
            token: a.token,
            body: { text: "again?", clientId: "second" },
          }),
          403,
          "request_pending",
        );
        // A request is not unread yet: no badge, no push until accepted.
        const totals = ok(await api(base, "/inbox/unread", { token: b.token }));
        assert.deepEqual(totals, { total: 0, rooms: 0, requests: 1 });
        const ws = (await connect(base, a)).ws;
        try {
          assert.equal((await subscribe(ws, dm)).type, "subscribed");
          // Only the recipient answers.
          refused(
            await api(base, `/direct/${dm}/accept`, {
              token: a.token,
              body: {},
            }),
            403,
            "not_allowed",
          );
          ok(
            await api(base, `/direct/${dm}/accept`, {
              method: "POST",
              token: b.token,
            }),
            204,
          );
          const ev = onContract(
            await ws.next((f) =>
              f.type === "request.accepted" && f.room === dm
            ),
          );
          assert.equal(ev.by, b.user.id);
        } finally {
          await ws.close();
        }
        await say(base, a, dm, "thanks!");
        assert.equal((await itemOf(base, b, dm)).unread, 2);
        assert.deepEqual(
          ok(await api(base, "/inbox/unread", { token: b.token })),
          { total: 2, rooms: 1, requests: 0 },
        );
      },
    );

    await t.step(
      "replying accepts; declining hides it and refuses the asker",
      async () => {
        const { users: [a, b, c] } = await neighbours(base, 3);
        const ab = ok(await startDirect(base, a, b), 201).id;
        await say(base, a, ab, "hi b");
        await say(base, b, ab, "hi a");
        assert.equal((await itemOf(base, a, ab)).request, null);
        await say(base, a, ab, "great");

        const ac = ok(await startDirect(base, a, c), 201).id;
        await say(base, a, ac, "hi c");
        ok(
          await api(base, `/direct/${ac}/decline`, {
            method: "POST",
            token: c.token,
          }),
          204,
        );
        assert.equal(await itemOf(base, c, ac), undefined);
        refused(
          await api(base, `/rooms/${ac}/messages`, {
            token: a.token,
            body: { text: "please", clientId: "p1" },
          }),
          403,
          "dm_unavailable",
        );
        // The asker is not told it was declined: it still shows as sent.
        assert.equal((await itemOf(base, a, ac)).request, "outgoing");
      },
    );

    await t.step(
      "people who share no room cannot start a DM; nobody DMs themselves",
      async () => {
        const a = await registerUser(base, "lone");
        const b = await registerUser(base, "far");
        refused(await startDirect(base, a, b), 403, "no_shared_room");
        // Someone visible in "people nearby" can be asked, as a request.
        ok(
          await api(base, "/me/visibility", {
            method: "PUT",
            token: b.token,
            body: {
              headline: "Here for the talks",
              interests: [],
              ...HERE,
              accuracy: 20,
            },
          }),
        );
        const asked = ok(await startDirect(base, a, b), 201);
        assert.equal((await itemOf(base, a, asked.id)).request, "outgoing");
        refused(await startDirect(base, a, a), 409, "self");
        refused(
          await api(base, "/direct", {
            token: a.token,
            body: { handle: "nobody_here_at_all" },
          }),
          404,
          "not_found",
        );
      },
    );

    await t.step(
      "sharing a group makes a DM direct, without a request",
      async () => {
        const a = await registerUser(base, "ga");
        const b = await registerUser(base, "gb");
        await groupOf(base, a, [b]);
        const dm = ok(await startDirect(base, b, a), 201).id;
        assert.equal((await itemOf(base, a, dm)).request, null);
        await say(base, b, dm, "one");
        await say(base, b, dm, "two");
      },
    );

    await t.step(
      "a block refuses DMs and invites as if the blocker did not exist",
      async () => {
        const { users: [a, b, c], room } = await neighbours(base, 3);
        const dm = ok(await startDirect(base, a, b), 201).id;
        await say(base, b, dm, "accepting by replying");
        const blocked = ok(
          await api(base, "/me/blocks", {
            token: b.token,
            body: { handle: a.user.handle },
          }),
          201,
        );
        assert.equal(blocked.id, a.user.id);
        const list = ok(await api(base, "/me/blocks", { token: b.token }));
        assert.deepEqual(list.items.map((i: { id: string }) => i.id), [
          a.user.id,
        ]);
        // Their mentions no longer notify; someone else's still do.
        await say(base, a, room, `@${b.user.handle} look`);
        await say(base, c, room, `@${b.user.handle} look`);
        const notes = ok(await api(base, "/notifications", { token: b.token }));
        assert.deepEqual(
          notes.items.map((n: { from: { id: string } }) => n.from.id),
          [c.user.id],
        );
        // The blocked one learns nothing more than "unavailable".
        refused(
          await api(base, `/rooms/${dm}/messages`, {
            token: a.token,
            body: { text: "hey?", clientId: "b1" },
          }),
          403,
          "dm_unavailable",
        );
        refused(
          await api(base, `/rooms/${dm}/messages`, {
            token: b.token,
            body: { text: "oops", clientId: "b2" },
          }),
          403,
          "blocked",
        );
        const nobody = await api(base, "/direct", {
          token: a.token,
          body: { handle: "no_such_handle_x" },
        });
        const toB = await startDirect(base, c, b);
        ok(toB, 201);
        // a asking b again answers exactly like an unknown handle.
        const again = await startDirect(base, a, b);
        refused(again, 404, "not_found");
        assert.deepEqual(again.body, nobody.body);
        const group = await groupOf(base, a, [c]);
        refused(
          await api(base, `/rooms/${group}/members`, {
            token: a.token,
            body: { handle: b.user.handle },
          }),
          404,
          "not_found",
        );
        ok(
          await api(base, `/me/blocks/${a.user.id}`, {
            method: "DELETE",
            token: b.token,
          }),
          204,
        );
        await say(base, a, dm, "thanks for unblocking");
        ok(
          await api(base, `/rooms/${group}/members`, {
            token: a.token,
            body: { handle: b.user.handle },
          }),
        );
      },
    );
  } finally {
    await server.stop();
  }
});

// A server of its own: registrations are rate-limited per address.
Deno.test("conversations - groups: roles, removals and privacy", async (t) => {
  const server = await startServer();
  const base = server.url;
  try {
    await t.step(
      "group roles: who may remove whom, the last owner stays, outsiders see 404",
      async () => {
        const [owner, admin, m1, m2, outsider] = await Promise.all(
          ["own", "adm", "mem", "mem2", "out"].map((p) =>
            registerUser(base, p)
          ),
        );
        const g = await groupOf(base, owner, [admin, m1, m2]);
        const role = (u: typeof owner, who: typeof owner, r: string) =>
          api(base, `/rooms/${g}/members/${who.user.id}`, {
            method: "PATCH",
            token: u.token,
            body: { role: r },
          });
        const remove = (u: typeof owner, who: typeof owner) =>
          api(base, `/rooms/${g}/members/${who.user.id}`, {
            method: "DELETE",
            token: u.token,
          });
        ok(await role(owner, admin, "admin"), 204);
        refused(await role(admin, m1, "admin"), 403, "not_allowed");
        refused(await remove(m1, m2), 403, "not_allowed");
        refused(await remove(admin, owner), 403, "not_allowed");
        refused(
          await api(base, `/rooms/${g}/members`, {
            token: m1.token,
            body: { handle: outsider.user.handle },
          }),
          403,
          "not_allowed",
        );
        ok(await remove(admin, m2), 204);
        // The last owner can neither leave nor step down…
        refused(
          await api(base, `/rooms/${g}/leave`, {
            token: owner.token,
            body: {},
          }),
          409,
          "last_owner",
        );
        refused(await role(owner, owner, "member"), 409, "last_owner");
        // …until someone else owns it too.
        ok(await role(owner, m1, "owner"), 204);
        ok(
          await api(base, `/rooms/${g}/leave`, {
            method: "POST",
            token: owner.token,
          }),
          204,
        );
        const members = ok(
          await api(base, `/rooms/${g}/members`, { token: m1.token }),
        );
        assert.deepEqual(
          members.items.map((m: { id: string; role: string }) => [m.id, m.role])
            .sort(),
          [[admin.user.id, "admin"], [m1.user.id, "owner"]].sort(),
        );
        // Private: the outsider and the removed member get 404, never 403.
        for (const u of [outsider, m2, owner]) {
          refused(
            await api(base, `/rooms/${g}`, { token: u.token }),
            404,
            "not_found",
          );
          refused(
            await api(base, `/rooms/${g}/messages`, { token: u.token }),
            404,
            "not_found",
          );
          refused(
            await api(base, `/rooms/${g}/join`, {
              token: u.token,
              body: { ...HERE, accuracy: 5 },
            }),
            404,
            "not_found",
          );
        }
        const ws = (await connect(base, outsider)).ws;
        try {
          const f = await subscribe(ws, g);
          assert.equal(f.type, "error");
          assert.equal(f.code, "not_found");
        } finally {
          await ws.close();
        }
      },
    );

    await t.step(
      "role changes and removals are room events members see",
      async () => {
        const [owner, x, y] = await Promise.all(
          ["o", "x", "y"].map((p) => registerUser(base, p)),
        );
        const g = await groupOf(base, owner, [x, y]);
        const ws = (await connect(base, x)).ws;
        try {
          assert.equal((await subscribe(ws, g)).type, "subscribed");
          ok(
            await api(base, `/rooms/${g}/members/${y.user.id}`, {
              method: "PATCH",
              token: owner.token,
              body: { role: "admin" },
            }),
            204,
          );
          const r = onContract(await ws.next((f) => f.type === "member.role"));
          assert.deepEqual([r.userId, r.role, r.by], [
            y.user.id,
            "admin",
            owner.user.id,
          ]);
          ok(
            await api(base, `/rooms/${g}/members/${y.user.id}`, {
              method: "DELETE",
              token: owner.token,
            }),
            204,
          );
          const left = onContract(
            await ws.next((f) => f.type === "member.left"),
          );
          assert.deepEqual(
            [left.userId, left.by, left.reason],
            [y.user.id, owner.user.id, "removed"],
          );
        } finally {
          await ws.close();
        }
      },
    );
  } finally {
    await server.stop();
  }
});
