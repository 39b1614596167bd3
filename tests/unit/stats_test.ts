import assert from "node:assert/strict";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import { keys } from "../../lib/db/keys.ts";
import { createStats, type Stats } from "../../lib/db/stats.ts";
import type { SiteRole, User } from "../../lib/db/users.ts";
import { createServices, type Services } from "../../lib/services/mod.ts";
import { createStatsService } from "../../lib/services/stats.ts";
import {
  AdminStatsQuerySchema,
  DaySchema,
  resolveRange,
} from "../../lib/shared/admin_schemas.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { openTestStore, type TestStore } from "../helpers/store.ts";

const DAY_MS = 86_400_000;
const DAY1 = "2025-01-01"; // TEST_EPOCH's day
const DAY2 = "2025-01-02";
const HERE = { lat: 38.7223, lng: -9.1393 };
const FIX = { ...HERE, accuracy: 10 };

let n = 0;
async function person(s: Services, siteRole?: SiteRole): Promise<User> {
  const u = await s.repos.users.createUser({
    handle: `p${n++}`,
    displayName: "Person",
    password: DECOY_HASH,
  });
  return siteRole
    ? (await s.repos.users.updateStanding(u.id, { siteRole }))!
    : u;
}

async function withServices(
  run: (s: Services, store: TestStore, admin: User) => Promise<void>,
) {
  const store = await openTestStore();
  try {
    const s = createServices(store, { sessionTtlMs: 3_600_000 });
    await run(s, store, await person(s, "admin"));
  } finally {
    store.kv.close();
  }
}

const isError = (status: number, code?: string) => (err: unknown) =>
  err instanceof AppError && err.status === status &&
  (code === undefined || err.code === code);

Deno.test("stats - messages count on their UTC day and in their room; shadow messages do not", async () => {
  await withServices(async (s, store, admin) => {
    const owner = await person(s);
    const a = await s.repos.rooms.createRoom(owner.id, {
      name: "A",
      description: "",
      ...HERE,
      radiusM: 300,
      category: "social",
    });
    const b = await s.repos.rooms.createRoom(owner.id, {
      name: "B",
      description: "",
      ...HERE,
      radiusM: 300,
      category: "event",
    });
    const send = (room: string, i: number, shadow = false) =>
      s.repos.messages.createMessage(room, {
        author: { id: owner.id, handle: owner.handle, displayName: "O" },
        text: `m${i}`,
        clientId: `c${i}`,
        category: "social",
        mentions: [],
        shadow,
      });
    for (let i = 0; i < 3; i++) await send(a.id, i);
    await send(a.id, 3, true);
    // A retried send (same clientId) is one message, counted once.
    await send(a.id, 0);
    store.clock.advance(DAY_MS);
    await send(b.id, 10);
    const r = await s.stats.report(admin, { from: DAY1, to: DAY2 });
    assert.deepEqual(r.days.map((d) => [d.day, d.messages]), [
      [DAY1, 3],
      [DAY2, 1],
    ]);
    assert.equal(r.totals.messages, 4);
    assert.deepEqual(
      r.busiestRooms.map((x) => [x.name, x.kind, x.messages]),
      [["A", "proximity", 3], ["B", "proximity", 1]],
    );
    // The first day alone leaves the second day's room out.
    const first = await s.stats.report(admin, { from: DAY1, to: DAY1 });
    assert.deepEqual(first.busiestRooms.map((x) => x.name), ["A"]);
  });
});

Deno.test("stats - the services count rooms created by kind and joins by category", async () => {
  await withServices(async (s, _store, admin) => {
    const ann = await person(s);
    const ben = await person(s);
    const room = await s.rooms.createRoom(ann, {
      name: "Venue",
      description: "",
      ...HERE,
      radiusM: 300,
      category: "venue",
    });
    await s.rooms.joinRoom(ben, room.id, FIX);
    // Joining again is no new join.
    await s.rooms.joinRoom(ben, room.id, FIX);
    await s.conversations.createGroup(ann, { name: "G", description: "" });
    const dm = await s.conversations.startDirect(ann, ben.handle);
    assert.equal(dm.created, true);
    // Opening the same conversation again creates nothing.
    await s.conversations.startDirect(ben, ann.handle);
    const dmMsg = await s.repos.messages.createMessage(dm.room.id, {
      author: { id: ann.id, handle: ann.handle, displayName: "Ann" },
      text: "hi",
      clientId: "dm-1",
      category: "social",
      mentions: [],
    });
    assert.ok(dmMsg.created);
    const r = await s.stats.report(admin, { from: DAY1, to: DAY1 });
    assert.deepEqual(r.totals.roomsCreated, {
      proximity: 1,
      direct: 1,
      group: 1,
    });
    assert.deepEqual(r.totals.joins, {
      social: 0,
      networking: 0,
      event: 0,
      venue: 1,
    });
    // A direct conversation is never listed by its name.
    assert.deepEqual(r.busiestRooms, [{
      roomId: dm.room.id,
      kind: "direct",
      name: "Direct message",
      messages: 1,
    }]);
  });
});

Deno.test("stats - concurrent counters lose no count", async () => {
  const store = await openTestStore();
  try {
    const stats = createStats(store);
    await Promise.all(
      Array.from(
        { length: 40 },
        (_, i) =>
          i % 2 ? stats.countJoin("social") : stats.countRoomCreated("group"),
      ),
    );
    const day = (await stats.listDays({ from: DAY1, to: DAY1 })).get(DAY1)!;
    assert.equal(day.joins.social, 20);
    assert.equal(day.roomsCreated.group, 20);
  } finally {
    store.kv.close();
  }
});

Deno.test("stats - the active marker counts a user once per day, whoever writes it", async () => {
  const store = await openTestStore();
  try {
    const stats = createStats(store);
    const results = await Promise.all(
      [1, 2, 3].map(() => stats.markActive("u1")),
    );
    assert.deepEqual(results.sort(), [false, false, true]);
    assert.equal(await stats.markActive("u2"), true);
    const marker = await store.kv.get(keys.statsActive(DAY1, "u1"));
    assert.notEqual(marker.value, null);
    store.clock.advance(DAY_MS);
    assert.equal(await stats.markActive("u1"), true);
    const days = await stats.listDays({ from: DAY1, to: DAY2 });
    assert.equal(days.get(DAY1)!.activeUsers, 2);
    assert.equal(days.get(DAY2)!.activeUsers, 1);
  } finally {
    store.kv.close();
  }
});

/** A stats service over `stats`, counting how often it writes a marker. */
function isolate(store: TestStore, stats: Stats, writes: string[]) {
  return createStatsService({
    stats: {
      ...stats,
      markActive: (id, day) => {
        writes.push(id);
        return stats.markActive(id, day);
      },
    },
    rooms: {} as never,
    clock: store.clock,
  });
}

Deno.test("stats - seen writes once per user per day per isolate, and counts once across isolates", async () => {
  await withServices(async (s, store, admin) => {
    const repo = createStats(store);
    const writes1: string[] = [];
    const writes2: string[] = [];
    const one = isolate(store, repo, writes1);
    const two = isolate(store, repo, writes2);
    await Promise.all([
      ...[1, 2, 3].map(() => one.seen("u1")),
      ...[1, 2, 3].map(() => two.seen("u1")),
    ]);
    await one.seen("u1");
    assert.deepEqual(writes1, ["u1"]);
    assert.deepEqual(writes2, ["u1"]);
    store.clock.advance(DAY_MS);
    await one.seen("u1");
    await one.seen("u1");
    assert.deepEqual(writes1, ["u1", "u1"]);
    const r = await s.stats.report(admin, { from: DAY1, to: DAY2 });
    assert.deepEqual(r.days.map((d) => d.activeUsers), [1, 1]);
  });
});

Deno.test("stats - a failed count is reported, never thrown, and seen tries again", async () => {
  const store = await openTestStore();
  try {
    const failures: string[] = [];
    let fail = true;
    const real = createStats(store);
    const broken: Stats = {
      ...real,
      countJoin: () => Promise.reject(new Error("kv down")),
      markActive: (id, day) =>
        fail ? Promise.reject(new Error("kv down")) : real.markActive(id, day),
    };
    const service = createStatsService({
      stats: broken,
      rooms: {} as never,
      clock: store.clock,
      onError: (what) => failures.push(what),
    });
    await service.joined("social");
    await service.seen("u1");
    assert.deepEqual(failures, ["stats.join_failed", "stats.active_failed"]);
    fail = false;
    await service.seen("u1");
    const day = (await real.listDays({ from: DAY1, to: DAY1 })).get(DAY1)!;
    assert.equal(day.activeUsers, 1);
  } finally {
    store.kv.close();
  }
});

Deno.test("stats - date ranges: default the last 30 days, at most 366, from not after to", () => {
  const today = "2025-03-31";
  assert.deepEqual(resolveRange({}, today), {
    ok: true,
    range: { from: "2025-03-02", to: today },
  });
  assert.deepEqual(resolveRange({ to: "2025-01-30" }, today), {
    ok: true,
    range: { from: "2025-01-01", to: "2025-01-30" },
  });
  // 2024 is a leap year: 366 days from 2024-01-01 end on 2024-12-31.
  const full = resolveRange({ from: "2024-01-01", to: "2024-12-31" }, today);
  assert.equal(full.ok, true);
  assert.equal(
    resolveRange({ from: "2024-01-01", to: "2025-01-01" }, today).ok,
    false,
  );
  assert.equal(
    resolveRange({ from: "2025-02-02", to: "2025-02-01" }, today).ok,
    false,
  );
  assert.equal(resolveRange({ from: today, to: today }, today).ok, true);
  for (
    const bad of [
      "2025-02-30",
      "2025-13-01",
      "25-01-01",
      "2025-1-1",
      "x",
      // The day after 9999-12-31 has five digits and would no longer sort as a string.
      "9999-12-31",
      "1969-12-31",
    ]
  ) {
    assert.equal(DaySchema.safeParse(bad).success, false, bad);
  }
  assert.equal(DaySchema.safeParse("2024-02-29").success, true);
  assert.equal(
    AdminStatsQuerySchema.safeParse({ from: "2025-02-29" }).success,
    false,
  );
});

Deno.test("stats - the report is for site staff only and refuses a bad range with 400", async () => {
  await withServices(async (s, _store, admin) => {
    const plain = await person(s);
    const mod = await person(s, "moderator");
    await assert.rejects(
      s.stats.report(plain, {}),
      isError(403, "not_allowed"),
    );
    await assert.rejects(s.stats.listUsers(plain), isError(403, "not_allowed"));
    await assert.rejects(s.stats.listRooms(plain), isError(403, "not_allowed"));
    const r = await s.stats.report(mod, {});
    assert.equal(r.days.length, 30);
    assert.equal(r.to, DAY1);
    assert.equal(r.days.at(-1)!.day, DAY1);
    await assert.rejects(
      s.stats.report(admin, { from: "2025-01-02", to: DAY1 }),
      isError(400),
    );
    await assert.rejects(
      s.stats.report(admin, { from: "2023-01-01", to: DAY1 }),
      isError(400),
    );
  });
});

Deno.test("stats - admin lists page users and rooms newest first; a bad cursor is 400", async () => {
  await withServices(async (s, store, admin) => {
    const users: User[] = [];
    for (let i = 0; i < 55; i++) {
      store.clock.advance(1);
      users.push(await person(s));
    }
    await s.repos.users.updateStanding(users[54].id, { shadowBan: true });
    const page1 = await s.stats.listUsers(admin);
    assert.equal(page1.items.length, 50);
    assert.equal(page1.items[0].id, users[54].id);
    assert.equal(page1.items[0].shadowBanned, true);
    assert.ok(page1.cursor);
    const page2 = await s.stats.listUsers(admin, page1.cursor!);
    assert.deepEqual(
      page2.items.map((u) => u.id),
      [...users.slice(0, 5).map((u) => u.id).reverse(), admin.id],
    );
    assert.equal(page2.items.at(-1)!.siteRole, "admin");
    await assert.rejects(s.stats.listUsers(admin, "!!"), isError(400));

    const owner = users[0];
    const room = await s.rooms.createRoom(owner, {
      name: "Hall",
      description: "",
      ...HERE,
      radiusM: 300,
      category: "event",
    });
    const dm = await s.conversations.startDirect(owner, users[1].handle)
      .catch(() => null);
    assert.equal(dm, null, "no shared room yet: no DM");
    await s.rooms.joinRoom(users[1], room.id, FIX);
    const direct = await s.conversations.startDirect(owner, users[1].handle);
    const rooms = await s.stats.listRooms(admin);
    assert.deepEqual(
      rooms.items.map((r) => [r.kind, r.name, r.members]),
      [["direct", null, 2], ["proximity", "Hall", 2]],
    );
    assert.equal(rooms.items[0].id, direct.room.id);
    assert.equal(rooms.cursor, null);
  });
});
