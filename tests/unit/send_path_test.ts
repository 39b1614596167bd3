import assert from "node:assert/strict";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import { keys } from "../../lib/db/keys.ts";
import { decideHit, type Limit } from "../../lib/db/rate_limits.ts";
import type { User } from "../../lib/db/users.ts";
import { createChatService } from "../../lib/services/chat.ts";
import { embedsOf } from "../../lib/services/embed.ts";
import { FLOOD } from "../../lib/services/flags.ts";
import { LIMITS } from "../../lib/services/limits.ts";
import { createServices } from "../../lib/services/mod.ts";
import {
  dumpKv,
  observeKv,
  openTestStore,
  type TestStore,
} from "../helpers/store.ts";

/** 2.5 s into a send window: every send below falls in it, with 7.5 s (8 s) left. */
const IN_WINDOW = 1_000_002_500;

const rateLimited = { status: 429, code: "rate_limited" };

/**
 * The services, a chat service without the automatic flag rules (they run in the background
 * after each send; here `flooded` only records each new message's flood count), and an owner
 * with `rooms` rooms.
 */
async function setUp(store: TestStore, rooms = 1) {
  const services = createServices(store, { sessionTtlMs: 3_600_000 });
  const flooded: [string, number][] = [];
  const chat = createChatService(
    store,
    services.repos.messages,
    services.rooms,
    services.repos.limits,
    services.conversations,
    (message, n) => flooded.push([message.roomId, n]),
  );
  const owner = await services.repos.users.createUser({
    handle: "owner",
    displayName: "Owner",
    password: DECOY_HASH,
  });
  const ids: string[] = [];
  for (let i = 0; i < rooms; i++) {
    ids.push(
      (await services.rooms.createRoom(owner, {
        name: `Venue ${i}`,
        description: "",
        lat: 38.72,
        lng: -9.14 + i / 100,
        placement: "map",
        radiusM: 300,
        category: "venue",
      })).id,
    );
  }
  store.clock.set(IN_WINDOW);
  const send = (user: User, roomId: string, clientId: string) =>
    chat.sendMessage(user, roomId, {
      text: `m ${clientId}`,
      clientId,
      category: "social",
    });
  return { services, owner, rooms: ids, send, flooded };
}

/** The room's head seq and message count. */
async function headOf(store: TestStore, roomId: string) {
  const head = (await store.kv.get<{ seq: number; messageCount?: number }>(
    keys.roomHead(roomId),
  )).value!;
  return { seq: head.seq, messageCount: head.messageCount ?? 0 };
}

/** The user's send counter in the current window. */
async function sendCount(store: TestStore, userId: string) {
  const start = IN_WINDOW - (IN_WINDOW % LIMITS.send.windowMs);
  return (await store.kv.get<number>(
    keys.rateLimit(LIMITS.send.bucket, userId, start),
  )).value;
}

Deno.test("decideHit - max hits pass with the count and expiry to store; past max it is refused with the seconds left", () => {
  const limit: Limit = { bucket: "b", windowMs: 10_000, max: 2 };
  assert.deepEqual(decideHit(limit, 0, null, 2_500), {
    refused: false,
    count: 1,
    expireIn: 20_000,
  });
  assert.deepEqual(decideHit(limit, 0, 1, 2_500), {
    refused: false,
    count: 2,
    expireIn: 20_000,
  });
  assert.deepEqual(decideHit(limit, 0, 2, 2_500), {
    refused: true,
    retryAfterS: 8,
  });
  assert.deepEqual(decideHit(limit, 0, 2, 9_999), {
    refused: true,
    retryAfterS: 1,
  });
});

Deno.test("sendMessage - the send past the limit is 429 rate_limited and writes nothing", async () => {
  const store = await openTestStore();
  try {
    const { owner, rooms: [room], send } = await setUp(store);
    for (let i = 0; i < LIMITS.send.max; i++) await send(owner, room, `c${i}`);
    const head = await headOf(store, room);
    assert.equal(head.messageCount, LIMITS.send.max);
    const before = await dumpKv(store.kv);
    await assert.rejects(send(owner, room, "over"), {
      ...rateLimited,
      details: { retryAfterS: 8 },
    });
    assert.deepEqual(await headOf(store, room), head);
    assert.equal(await sendCount(store, owner.id), LIMITS.send.max);
    assert.equal(await dumpKv(store.kv), before);
  } finally {
    store.kv.close();
  }
});

Deno.test("sendMessage - a retried clientId answers the original and does not count against the limit", async () => {
  const store = await openTestStore();
  try {
    const { owner, rooms: [room], send } = await setUp(store);
    for (let i = 0; i < LIMITS.send.max - 1; i++) {
      await send(owner, room, `c${i}`);
    }
    for (let i = 0; i < 5; i++) {
      const again = await send(owner, room, "c0");
      assert.equal(again.created, false);
      assert.equal(again.message.clientId, "c0");
    }
    assert.equal(await sendCount(store, owner.id), LIMITS.send.max - 1);
    assert.equal((await send(owner, room, "last")).created, true);
    await assert.rejects(send(owner, room, "over"), rateLimited);
    // At the limit, a retry is still answered rather than refused.
    assert.equal((await send(owner, room, "last")).created, false);
  } finally {
    store.kv.close();
  }
});

Deno.test("sendMessage - a send a later gate refuses (a pending message request) is not counted and writes nothing", async () => {
  const store = await openTestStore();
  try {
    const { services, owner, rooms: [room], send } = await setUp(store);
    const ben = await services.repos.users.createUser({
      handle: "ben",
      displayName: "Ben",
      password: DECOY_HASH,
    });
    await services.rooms.joinRoom(ben, room, {
      lat: 38.72,
      lng: -9.14,
      accuracy: 5,
    });
    // Sharing only a proximity room, a direct conversation starts as a request.
    const dm = (await services.conversations.startDirect(owner, "ben")).room;
    await send(owner, dm.id, "d1");
    assert.equal(await sendCount(store, owner.id), 1);
    const before = await dumpKv(store.kv);
    await assert.rejects(send(owner, dm.id, "d2"), {
      status: 403,
      code: "request_pending",
    });
    assert.equal(await dumpKv(store.kv), before);
  } finally {
    store.kv.close();
  }
});

Deno.test("sendMessage - one user's concurrent sends into two rooms are counted exactly", async () => {
  const store = await openTestStore();
  try {
    const { owner, rooms, send } = await setUp(store, 2);
    const perRoom = 40;
    assert.ok(2 * perRoom > LIMITS.send.max && perRoom < LIMITS.send.max);
    // Each room's sends queue in its own lane: the two lanes race on the one counter.
    const results = await Promise.allSettled(
      Array.from(
        { length: perRoom },
        (_, i) => rooms.map((r) => send(owner, r, `c${i}`)),
      ).flat(),
    );
    const sent = results.filter((r) => r.status === "fulfilled").length;
    assert.equal(sent, LIMITS.send.max);
    for (const r of results) {
      if (r.status === "rejected") {
        assert.equal(r.reason.code, rateLimited.code, String(r.reason));
      }
    }
    assert.equal(await sendCount(store, owner.id), LIMITS.send.max);
    const [a, b] = await Promise.all(rooms.map((r) => headOf(store, r)));
    assert.equal(a.messageCount + b.messageCount, LIMITS.send.max);
  } finally {
    store.kv.close();
  }
});

Deno.test("sendMessage - a guest's lower limit refuses their send past it and writes nothing", async () => {
  const store = await openTestStore();
  try {
    const { services, owner, rooms: [room], send } = await setUp(store);
    await embedsOf(services).putSettings(owner, room, {
      origins: ["https://venue.example"],
      allowGuests: true,
    });
    const signed = await embedsOf(services).signUpGuest(room, "Gus", "a1");
    const guest = (await services.repos.users.getUser(signed.user.id))!;
    assert.ok(LIMITS.guestSend.max < LIMITS.send.max);
    for (let i = 0; i < LIMITS.guestSend.max; i++) {
      await send(guest, room, `g${i}`);
    }
    const before = await dumpKv(store.kv);
    await assert.rejects(send(guest, room, "over"), rateLimited);
    assert.equal(await dumpKv(store.kv), before);
    assert.equal(
      (await headOf(store, room)).messageCount,
      LIMITS.guestSend.max,
    );
    // Anyone else in the room still has the whole limit.
    assert.equal((await send(owner, room, "o0")).created, true);
  } finally {
    store.kv.close();
  }
});

Deno.test("send path - a message's flood count is taken in its own commit; repeats don't count", async () => {
  const store = await openTestStore();
  try {
    const { owner, rooms: [a, b], send, flooded } = await setUp(store, 2);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => send(owner, a, `a${i}`)),
    );
    await send(owner, a, "a3"); // a retry: the first message again, counted once
    await send(owner, b, "b0");
    assert.deepEqual(
      flooded,
      [
        ...Array.from({ length: 12 }, (_, i): [string, number] => [a, i + 1]),
        [b, 1],
      ],
    );
    // The counter stops at max + 1: the 11th crossed the line, later ones write nothing.
    const start = IN_WINDOW - (IN_WINDOW % FLOOD.windowMs);
    const counter = await store.kv.get(keys.floodCount(a, owner.id, start));
    assert.equal(counter.value, FLOOD.max + 1);
  } finally {
    store.kv.close();
  }
});

Deno.test("send path - a plain send reads once and commits once", async () => {
  const store = await openTestStore();
  const ops = { get: 0, getMany: 0, list: 0, commit: 0 };
  const counting = observeKv(store.kv, (call) => ops[call]++);
  try {
    const { owner, rooms: [room], send } = await setUp(
      { ...store, kv: counting },
    );
    await send(owner, room, "warm-up");
    for (const k of Object.keys(ops)) ops[k as keyof typeof ops] = 0;
    await send(owner, room, "counted");
    // The room, membership and account come in the getMany of the head and the gates.
    assert.deepEqual(ops, { get: 0, getMany: 1, list: 0, commit: 1 });
  } finally {
    store.kv.close();
  }
});
