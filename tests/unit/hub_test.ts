import assert from "node:assert/strict";
import { createHub, type HubOptions } from "../../lib/chat/hub.ts";
import type { FeedItem, FeedSubscriber } from "../../lib/chat/room_feed.ts";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import type { User } from "../../lib/db/users.ts";
import { createServices } from "../../lib/services/mod.ts";
import { authorOf } from "../../lib/services/rooms.ts";
import { openTestStore } from "../helpers/store.ts";
import { within } from "../helpers/ws.ts";

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Services over an in-memory KV with one room owned by `owner`; the caller closes `kv`. */
async function setup(kvOverride?: (kv: Deno.Kv) => Deno.Kv) {
  const store = await openTestStore();
  const { kv } = store;
  const services = createServices(store, {
    sessionTtlMs: 60_000,
    eventRetentionMs: 60_000,
  });
  const makeUser = (handle: string): Promise<User> =>
    services.repos.users.createUser({
      handle,
      displayName: handle,
      password: DECOY_HASH,
    });
  const owner = await makeUser("unit_owner");
  const room = await services.repos.rooms.createRoom(owner.id, {
    name: "Unit room",
    description: "",
    lat: 52.52,
    lng: 13.405,
    radiusM: 300,
    category: "social",
  });
  let n = 0;
  // Writes straight to the repository; the hub is not plugged into the services' signals,
  // so only kv.watch (or an explicit notify) can wake a feed.
  const post = async (count: number, text = "m", author: User = owner) => {
    for (let i = 0; i < count; i++, n++) {
      await services.repos.messages.createMessage(room.id, {
        author: authorOf(author),
        text,
        clientId: `c${n}`,
        category: "social",
        mentions: [],
      });
    }
  };
  const hubKv = kvOverride ? kvOverride(kv) : kv;
  const hub = (opts: Partial<HubOptions> = {}) =>
    createHub({ kv: hubKv, services, broadcast: false, ...opts });
  return { store, kv, services, owner, makeUser, room: room.id, post, hub };
}

/** A feed subscriber that records what it is given and can wait for a state. */
function recorder(cursor: number, userId = "U", joinSeq = 0) {
  const got = {
    items: [] as FeedItem[],
    seqs: [] as number[],
    resyncs: [] as number[],
    ended: false,
  };
  const wakers = new Set<() => void>();
  const wake = () => [...wakers].forEach((w) => w());
  const sub: FeedSubscriber = {
    cursor,
    userId,
    joinSeq,
    deliver(item) {
      got.items.push(item);
      got.seqs.push(item.seq);
      wake();
      return true;
    },
    resync(seq) {
      got.resyncs.push(seq);
      wake();
    },
    ended() {
      got.ended = true;
      wake();
    },
  };
  const until = (ok: () => boolean, what: string) => {
    if (ok()) return Promise.resolve();
    let w = () => {};
    return within(
      new Promise<void>((r) => wakers.add(w = () => ok() && r())),
      5_000,
      what,
    ).finally(() => wakers.delete(w));
  };
  const reached = (seq: number) =>
    until(() => (got.seqs.at(-1) ?? 0) >= seq, `seq ${seq}`);
  return { sub, got, until, reached };
}

/** Wraps KV so tests can count live watches, or make watches silent (hints only). */
function watchProbe(silent: boolean) {
  const probe = { active: 0, opened: 0, keys: [] as Deno.KvKey[][] };
  const wrap = (kv: Deno.Kv) =>
    new Proxy(kv, {
      get(target, prop) {
        if (prop !== "watch") {
          const v = Reflect.get(target, prop, target);
          return typeof v === "function" ? v.bind(target) : v;
        }
        return (keys: Deno.KvKey[]) => {
          probe.active++;
          probe.opened++;
          probe.keys.push(keys);
          const inner = target.watch(keys).getReader();
          return new ReadableStream({
            async pull(c) {
              const r = await inner.read();
              if (r.done) return c.close();
              if (!silent) c.enqueue(r.value);
              else return new Promise(() => {});
            },
            async cancel() {
              probe.active--;
              await inner.cancel();
            },
          });
        };
      },
    });
  return { probe, wrap };
}

Deno.test("hub - logs share packed watches, closed when their last local subscriber leaves", async () => {
  const { probe, wrap } = watchProbe(false);
  const { kv, owner, room, hub: make } = await setup(wrap);
  const hub = make();
  // Watches open in a microtask, once for everything subscribed in the same tick.
  const settled = () => Promise.resolve();
  const a = hub.subscribeRoom(room, recorder(0).sub);
  const b = hub.subscribeRoom(room, recorder(0).sub);
  // A user's own stream is another log: its head key joins the same watch.
  const u = hub.subscribeUser(owner.id, recorder(0, owner.id).sub);
  await settled();
  assert.equal(probe.opened, 1);
  assert.deepEqual(probe.keys.at(-1)?.length, 2);
  a.stop();
  assert.equal(probe.active, 1);
  b.stop();
  u.stop();
  assert.equal(probe.active, 0);
  // A new subscriber after the last one left opens a fresh watch.
  hub.subscribeRoom(room, recorder(0).sub);
  await settled();
  assert.equal(probe.opened, 2);
  await hub.close();
  assert.equal(probe.active, 0);
  hub.subscribeRoom(room, recorder(0).sub).stop();
  await settled();
  assert.equal(probe.opened, 2, "a closed hub opens no watch");
  kv.close();
});

Deno.test("hub - a commit's events handed to notify reach every isolate without reading the log", async () => {
  const { probe, wrap } = watchProbe(true);
  const { kv, room, post, services, hub: make } = await setup(wrap);
  const [here, there] = [make({ broadcast: true }), make({ broadcast: true })];
  const local = recorder(0);
  const remote = recorder(0);
  here.subscribeRoom(room, local.sub);
  there.subscribeRoom(room, remote.sub);
  await post(2);
  const log = services.repos.log;
  const events = await log.listEventsBetween(room, 0, 2);
  let listed = 0;
  const list = log.listEventsBetween;
  log.listEventsBetween = (...args) => (listed++, list(...args));
  try {
    here.notify(room, 2, events);
    await Promise.all([local.reached(2), remote.reached(2)]);
    assert.deepEqual(local.got.seqs, [1, 2]);
    assert.deepEqual(remote.got.seqs, [1, 2]);
    assert.equal(listed, 0, "served from the events handed over");
    assert.equal(probe.opened, 2);
  } finally {
    log.listEventsBetween = list;
    await Promise.all([here.close(), there.close()]);
    kv.close();
  }
});

Deno.test("hub - notify wakes this isolate's feed and, over the channel, other isolates'", async () => {
  const { probe, wrap } = watchProbe(true);
  const { kv, room, post, hub: make } = await setup(wrap);
  const [here, there] = [make({ broadcast: true }), make({ broadcast: true })];
  const local = recorder(0);
  const remote = recorder(0);
  here.subscribeRoom(room, local.sub);
  there.subscribeRoom(room, remote.sub);
  await post(2);
  // Watches are silent here: only the hint (and, for `there`, the channel) can wake them.
  here.notify(room, 2);
  await Promise.all([local.reached(2), remote.reached(2)]);
  assert.deepEqual(local.got.seqs, [1, 2]);
  assert.deepEqual(remote.got.seqs, [1, 2]);
  assert.equal(probe.opened, 2);
  await Promise.all([here.close(), there.close()]);
  kv.close();
});

Deno.test("hub - with broadcast off, kv.watch alone brings every event to every isolate", async () => {
  const { kv, room, post, hub: make } = await setup();
  const hubs = [make(), make()];
  const subs = hubs.map((h, i) => {
    const r = recorder(i * 3);
    h.subscribeRoom(room, r.sub);
    return r;
  });
  await post(5);
  await post(1);
  await Promise.all(subs.map((r) => r.reached(6)));
  assert.deepEqual(subs[0].got.seqs, range(1, 6));
  assert.deepEqual(subs[1].got.seqs, range(4, 6));
  const frame = JSON.parse(subs[0].got.items[0].text);
  assert.equal(frame.type, "message.new");
  assert.equal(frame.room, room);
  assert.equal(frame.seq, 1);
  assert.equal(frame.message.seq, 1);
  await Promise.all(hubs.map((h) => h.close()));
  kv.close();
});

Deno.test("hub - a member.left ends the leaver's subscriptions on every isolate, not others'", async () => {
  const { kv, services, makeUser, room, post, hub: make } = await setup();
  const hubs = [make(), make()];
  const [x, y] = [await makeUser("xavier"), await makeUser("yara")];
  const { members } = services.repos;
  await members.addMember(room, authorOf(x));
  await members.addMember(room, authorOf(y));
  const xJoin = (await members.getMember(room, x.id))!.joinSeq!;
  const xs = hubs.map((h) => {
    const r = recorder(2, x.id, xJoin);
    h.subscribeRoom(room, r.sub);
    return r;
  });
  const ys = recorder(2, y.id, 2);
  hubs[1].subscribeRoom(room, ys.sub);
  await members.deleteMember(room, authorOf(x));
  await Promise.all(xs.map((r) => r.until(() => r.got.ended, "ended")));
  await post(1);
  await ys.reached(4);
  for (const r of xs) {
    assert.deepEqual(r.got.seqs, [3], "the leave is its last event");
    assert.equal(JSON.parse(r.got.items[0].text).type, "member.left");
  }
  assert.deepEqual(ys.got.seqs, [3, 4]);
  assert.equal(ys.got.ended, false);
  await Promise.all(hubs.map((h) => h.close()));
  kv.close();
});

Deno.test("hub - subscribeUser brings the user's notifications in order", async () => {
  const { kv, services, owner, makeUser, room, hub: make } = await setup();
  const hub = make();
  const bob = await makeUser("bob");
  await services.repos.members.addMember(room, authorOf(bob));
  const r = recorder(0, bob.id);
  hub.subscribeUser(bob.id, r.sub);
  for (const text of ["hi @bob", "again @bob"]) {
    await services.chat.sendMessage(owner, room, {
      text,
      clientId: text.replace(/\W/g, ""),
      category: "social",
    });
  }
  await r.reached(2);
  const frames = r.got.items.map((i) => JSON.parse(i.text));
  assert.deepEqual(frames.map((f) => [f.type, f.seq]), [
    ["notification.new", 1],
    ["notification.new", 2],
  ]);
  assert.equal(frames[0].notification.excerpt, "hi @bob");
  assert.equal(frames[1].notification.from.id, owner.id);
  await hub.close();
  kv.close();
});
