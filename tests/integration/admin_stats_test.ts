import assert from "node:assert/strict";
import {
  api,
  createRoom,
  joinRoom,
  registerUser,
  sendMessage,
  type TestUser,
} from "../helpers/api.ts";
import { wsSendOk } from "../helpers/events.ts";
import { grantSiteRole } from "../helpers/moderation.ts";
import { startServer } from "../helpers/server.ts";
import { connectOnBothIsolates, pickSenders } from "../helpers/ws.ts";

const AT = { lat: 48.8584, lng: 2.2945 };
const today = () => new Date().toISOString().slice(0, 10);

/** GET /admin/stats as `u` with a query string. */
const getStats = (base: string, u: TestUser | null, query = "") =>
  api(base, `/admin/stats${query}`, { token: u?.token });

/** Sends `n` messages from a socket to a room, one after another, each acknowledged. */
async function burst(
  ws: Parameters<typeof wsSendOk>[0],
  room: string,
  n: number,
  tag: string,
) {
  for (let i = 0; i < n; i++) {
    await wsSendOk(ws, room, `${tag} ${i}`, `${tag}-${i}`);
  }
}

Deno.test("admin stats - exact counts from concurrent senders on both isolates", async () => {
  const server = await startServer();
  const base = server.url;
  const sockets: Awaited<ReturnType<typeof connectOnBothIsolates>> = [];
  try {
    const day0 = today();
    const [ann, ben, cat, mod, plain] = await Promise.all(
      ["ann", "ben", "cat", "mod", "plain"].map((p) => registerUser(base, p)),
    );
    await grantSiteRole(server.kvPath, mod, "moderator");
    const r1 = await createRoom(base, ann, AT, {
      name: "Plaza",
      category: "social",
    });
    const r2 = await createRoom(base, ben, AT, {
      name: "Gig",
      category: "event",
    });
    await Promise.all([
      joinRoom(base, ben, r1.id, AT),
      joinRoom(base, cat, r1.id, AT),
      joinRoom(base, ann, r2.id, AT),
      joinRoom(base, cat, r2.id, AT),
    ]);
    const group = await api(base, "/groups", {
      token: cat.token,
      body: { name: "Secret club" },
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const dm = await api(base, "/direct", {
      token: ann.token,
      body: { handle: ben.user.handle },
    });
    assert.equal(dm.status, 201, JSON.stringify(dm.body));
    const dmSent = await sendMessage(
      base,
      ann,
      dm.body.id,
      "Hello there",
      "dm-1",
    );
    assert.equal(dmSent.status, 201, JSON.stringify(dmSent.body));

    // Three people on both isolates write at once: 45 messages into Plaza, 15 into Gig.
    sockets.push(...await connectOnBothIsolates(base, [ann, ben, cat], 3));
    const senders = pickSenders(sockets, 3);
    assert.equal(new Set(senders.map((s) => s.isolate)).size, 2);
    const plan: Record<string, [string, number][]> = {
      [ann.user.id]: [[r1.id, 20]],
      [ben.user.id]: [[r1.id, 15], [r2.id, 5]],
      [cat.user.id]: [[r1.id, 10], [r2.id, 10]],
    };
    await Promise.all(
      senders.flatMap((s) =>
        plan[s.user.user.id].map(([room, n]) =>
          burst(s.ws, room, n, `${s.user.user.handle}-${room}`)
        )
      ),
    );

    const res = await getStats(base, mod, `?from=${day0}&to=${today()}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.type, /application\/json/);
    const sum = (pick: (d: typeof res.body.days[0]) => number) =>
      res.body.days.reduce(
        (s: number, d: typeof res.body.days[0]) => s + pick(d),
        0,
      );
    assert.equal(sum((d) => d.messages), 61);
    assert.equal(res.body.totals.messages, 61);
    assert.deepEqual(res.body.totals.roomsCreated, {
      proximity: 2,
      direct: 1,
      group: 1,
    });
    assert.deepEqual(res.body.totals.joins, {
      social: 2,
      networking: 0,
      event: 2,
      venue: 0,
    });
    assert.deepEqual(
      res.body.busiestRooms.map((
        r: Record<string, unknown>,
      ) => [r.roomId, r.name, r.kind, r.messages]),
      [
        [r1.id, "Plaza", "proximity", 45],
        [r2.id, "Gig", "proximity", 15],
        [dm.body.id, "Direct message", "direct", 1],
      ],
    );

    // Ann, Ben, Cat and the moderator were active; the plain user becomes so by asking.
    const refused = await getStats(base, plain);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "not_allowed");
    const again = await getStats(base, mod);
    assert.equal(again.status, 200);
    assert.equal(again.body.days.length, 30);
    if (day0 === today()) {
      assert.equal(res.body.days.at(-1).activeUsers, 4);
      assert.equal(again.body.days.at(-1).activeUsers, 5);
    }
  } finally {
    await Promise.all(sockets.map((s) => s.ws.close()));
    await server.stop();
  }
});

Deno.test("admin stats - 401 without a session, 403 for a plain user, 400 for bad dates", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const [plain, admin] = await Promise.all([
      registerUser(base, "pl"),
      registerUser(base, "ad"),
    ]);
    await grantSiteRole(server.kvPath, admin, "admin");
    assert.equal((await getStats(base, null)).status, 401);
    const refused = await getStats(
      base,
      plain,
      "?from=2025-01-01&to=2025-01-31",
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "not_allowed");
    for (
      const q of [
        "?from=2025-02-30",
        "?from=2025-1-1",
        "?to=yesterday",
        "?to=9999-12-31",
        "?from=2025-03-02&to=2025-03-01",
        "?from=2024-01-01&to=2025-01-01",
      ]
    ) {
      const res = await getStats(base, admin, q);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.code, "invalid_request", q);
    }
    const year = await getStats(base, admin, "?from=2024-01-01&to=2024-12-31");
    assert.equal(year.status, 200);
    assert.equal(year.body.days.length, 366);
    assert.deepEqual(year.body.busiestRooms, []);
  } finally {
    await server.stop();
  }
});
