import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import {
  createPresence,
  MAX_LISTED,
  type Presence,
} from "../../lib/chat/presence.ts";
import type { PresenceView } from "../../lib/shared/schemas.ts";
import { openTestStore, type TestStore } from "../helpers/store.ts";
import { within } from "../helpers/ws.ts";

type Update = {
  type: string;
  room: string;
  changes: PresenceView[];
  online: number;
};

/** Records a room's presence.update frames and folds them into a view of who is where. */
function watcher() {
  const updates: Update[] = [];
  const view = new Map<string, PresenceView>();
  const wakes = new Set<() => void>();
  return {
    updates,
    view,
    fn(text: string) {
      const u = JSON.parse(text) as Update;
      updates.push(u);
      for (const c of u.changes) view.set(c.userId, c);
      for (const wake of wakes) wake();
    },
    /** Resolves once `ok` holds for the view, failing after `ms`. */
    until(ok: () => boolean, what: string, ms = 2_000): Promise<void> {
      return within(
        new Promise<void>((resolve) => {
          const check = () => ok() && (wakes.delete(check), resolve());
          wakes.add(check);
          check();
        }),
        ms,
        what,
      );
    },
    status: (userId: string) => view.get(userId)?.status,
  };
}

/** Runs `body` with a store and closes every presence it makes, then the KV. */
async function withStore(
  body: (s: TestStore, make: typeof createPresence) => Promise<void>,
) {
  const store = await openTestStore();
  const made: Presence[] = [];
  try {
    await body(store, (o) => {
      const p = createPresence(o);
      made.push(p);
      return p;
    });
  } finally {
    for (const p of made) await p.close();
    store.kv.close();
  }
}

const quiet = { refreshMs: 3_600_000, pollMs: 3_600_000, debounceMs: 5 };

Deno.test("presence - two isolates without hints converge by polling", async () => {
  await withStore(async (s, make) => {
    const room = s.newId(), u1 = s.newId();
    const a = make({ ...s, channel: null, ...quiet });
    const b = make({ ...s, channel: null, ...quiet, pollMs: 20 });
    const w = watcher();
    b.listen(room, w.fn);
    await b.snapshot(room);
    await a.enter(room, u1, "a1", "online");
    await w.until(() => w.status(u1) === "online", "b sees u1 online");
    s.clock.advance(1_000);
    await a.disconnect("a1");
    await w.until(() => w.status(u1) === "offline", "b sees u1 offline");
    assert.equal(
      w.view.get(u1)?.lastSeenAt,
      new Date(s.clock.now()).toISOString(),
    );
    assert.deepEqual((await b.snapshot(room)).users, []);
  });
});

Deno.test("presence - a shared channel wakes another isolate long before its poll", async () => {
  await withStore(async (s, make) => {
    const name = `presence-test-${crypto.randomUUID()}`;
    const room = s.newId(), u1 = s.newId();
    const a = make({ ...s, channel: new BroadcastChannel(name), ...quiet });
    const b = make({ ...s, channel: new BroadcastChannel(name), ...quiet });
    const w = watcher();
    b.listen(room, w.fn);
    await b.snapshot(room);
    await a.enter(room, u1, "a1", "dnd");
    await w.until(() => w.status(u1) === "dnd", "hinted update", 1_000);
    await a.close();
    await w.until(() => w.status(u1) === "offline", "close hints too", 1_000);
  });
});

Deno.test("presence - one person's two tabs: one closing keeps them online, both make them offline", async () => {
  await withStore(async (s, make) => {
    const room = s.newId(), u1 = s.newId();
    const p = make({ ...s, channel: null, ...quiet });
    const w = watcher();
    p.listen(room, w.fn);
    await p.snapshot(room);
    await p.enter(room, u1, "tab1");
    await p.enter(room, u1, "tab2");
    await w.until(() => w.status(u1) === "online", "online");
    s.clock.advance(5_000);
    await p.disconnect("tab1");
    // A snapshot recomputes and publishes any change before it resolves.
    const state = await p.snapshot(room);
    assert.deepEqual(state.users, [
      { userId: u1, status: "online", lastSeenAt: null },
    ]);
    assert.equal(w.updates.length, 1);
    s.clock.advance(5_000);
    await p.disconnect("tab2");
    await p.disconnect("tab2");
    await w.until(() => w.status(u1) === "offline", "offline");
    assert.deepEqual(w.updates.at(-1), {
      type: "presence.update",
      room,
      changes: [{
        userId: u1,
        status: "offline",
        lastSeenAt: new Date(s.clock.now()).toISOString(),
      }],
      online: 0,
    });
  });
});

Deno.test("presence - dnd wins over online, online over away", async () => {
  await withStore(async (s, make) => {
    const room = s.newId(), u1 = s.newId();
    const p = make({ ...s, channel: null, ...quiet });
    const w = watcher();
    p.listen(room, w.fn);
    await p.snapshot(room);
    await p.enter(room, u1, "t1", "away");
    await w.until(() => w.status(u1) === "away", "away");
    await p.enter(room, u1, "t2", "online");
    await w.until(() => w.status(u1) === "online", "online beats away");
    await p.enter(room, u1, "t3", "dnd");
    await w.until(() => w.status(u1) === "dnd", "dnd beats online");
    await p.setStatus("t3", "away");
    await w.until(() => w.status(u1) === "online", "back to online");
    await p.exit(room, "t2");
    await w.until(() => w.status(u1) === "away", "only away tabs left");
  });
});

Deno.test("presence - entries past expiresAt count as offline though still stored", async () => {
  await withStore(async (s, make) => {
    const room = s.newId(), u1 = s.newId(), ttlMs = 90_000;
    const enteredAt = s.clock.now();
    // `a` never refreshes: it stands for an isolate that died without cleaning up.
    const a = make({ ...s, channel: null, ...quiet, ttlMs });
    const b = make({ ...s, channel: null, ...quiet, ttlMs, pollMs: 20 });
    const w = watcher();
    b.listen(room, w.fn);
    await b.snapshot(room);
    await a.enter(room, u1, "a1");
    await w.until(() => w.status(u1) === "online", "online");
    s.clock.advance(ttlMs + 1);
    await w.until(() => w.status(u1) === "offline", "expired");
    assert.ok((await s.kv.get(keys.roomPresence(room, u1, "a1"))).value);
    assert.equal(w.view.get(u1)?.lastSeenAt, new Date(enteredAt).toISOString());
  });
});

/** Wraps a KV so calls to `list` (one per room recompute) are counted. */
function countingLists(kv: Deno.Kv) {
  const counter = { lists: 0, kv };
  counter.kv = new Proxy(kv, {
    get(target, prop) {
      if (prop === "list") counter.lists++;
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return counter;
}

Deno.test("presence - a join burst of 200 connections costs a few recomputes and updates", async () => {
  await withStore(async (s, make) => {
    const room = s.newId();
    const counted = countingLists(s.kv);
    const p = make({ ...s, kv: counted.kv, channel: null, ...quiet });
    const w = watcher();
    p.listen(room, w.fn);
    await p.snapshot(room);
    counted.lists = 0;
    const frames: number[] = [];
    // Each joiner does what a subscribe does: enter, listen, then ask for the state.
    const states = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        await p.enter(room, s.newId(), `c${i}`);
        frames[i] = 0;
        p.listen(room, () => frames[i]++);
        return p.snapshot(room);
      }),
    );
    await w.until(() => w.view.size === 200, "all 200 online");
    assert.ok(states.every((st) => st.users.length === st.online));
    assert.equal(states.at(-1)?.users.length, 200);
    assert.ok(counted.lists <= 3, `${counted.lists} room reads for 200 joins`);
    assert.ok(w.updates.length <= 2, `${w.updates.length} updates`);
    assert.ok(frames.every((n) => n <= w.updates.length));
    assert.equal(w.updates.at(-1)?.online, 200);
  });
});

Deno.test("presence - joins arriving in waves get one update per debounce window", async () => {
  await withStore(async (s, make) => {
    const room = s.newId();
    const counted = countingLists(s.kv);
    const p = make({ ...s, kv: counted.kv, channel: null, ...quiet });
    const w = watcher();
    p.listen(room, w.fn);
    await p.snapshot(room);
    counted.lists = 0;
    for (let wave = 0; wave < 10; wave++) {
      await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        await p.enter(room, s.newId(), `c${wave}-${i}`);
        p.listen(room, () => {});
        await p.snapshot(room);
      }));
    }
    await w.until(() => w.view.size === 200, "all 200 online");
    assert.ok(counted.lists <= 20, `${counted.lists} room reads`);
    assert.ok(w.updates.length <= 10, `${w.updates.length} updates`);
  });
});

Deno.test("presence - one-by-one joins within the debounce window share an update", async () => {
  await withStore(async (s, make) => {
    const room = s.newId();
    const p = make({ ...s, channel: null, ...quiet, debounceMs: 150 });
    const w = watcher();
    p.listen(room, w.fn);
    await p.snapshot(room);
    // Each awaited enter is its own commit and hint; the debounce folds them together.
    for (let i = 0; i < 50; i++) await p.enter(room, s.newId(), `c${i}`);
    await w.until(() => w.view.size === 50, "all 50 online");
    assert.ok(w.updates.length <= 3, `${w.updates.length} updates`);
  });
});

Deno.test("presence - concurrent snapshots of an unwatched room share one read", async () => {
  await withStore(async (s, make) => {
    const room = s.newId();
    const counted = countingLists(s.kv);
    const p = make({ ...s, kv: counted.kv, channel: null, ...quiet });
    await p.enter(room, s.newId(), "c1");
    const states = await Promise.all(
      Array.from({ length: 100 }, () => p.snapshot(room)),
    );
    assert.ok(states.every((st) => st.online === 1));
    assert.ok(counted.lists <= 2, `${counted.lists} reads`);
  });
});

Deno.test("presence - the state lists at most 1,000 people but counts everyone", async () => {
  await withStore(async (s, make) => {
    const room = s.newId();
    const p = make({ ...s, channel: null, ...quiet });
    await Promise.all(
      Array.from(
        { length: MAX_LISTED + 5 },
        (_, i) => p.enter(room, s.newId(), `c${i}`),
      ),
    );
    const state = await p.snapshot(room);
    assert.equal(state.users.length, MAX_LISTED);
    assert.equal(state.online, MAX_LISTED + 5);
  });
});

Deno.test("presence - close deletes this isolate's entries and records lastSeen", async () => {
  await withStore(async (s, make) => {
    const room = s.newId(), u1 = s.newId();
    const p = make({ ...s, channel: null, ...quiet });
    await p.enter(room, u1, "c1");
    await p.enter(s.newId(), u1, "c1");
    s.clock.advance(7_000);
    await p.close();
    const left = await Array.fromAsync(
      s.kv.list({ prefix: ["room_presence"] }),
    );
    assert.equal(left.length, 0);
    assert.equal((await s.kv.get(keys.lastSeen(u1))).value, s.clock.now());
  });
});

Deno.test("presence - refresh rewrites live entries with a later expiresAt", async () => {
  await withStore(async (s, make) => {
    const room = s.newId(), u1 = s.newId();
    const p = make({ ...s, channel: null, ...quiet, refreshMs: 10 });
    await p.enter(room, u1, "c1");
    const key = keys.roomPresence(room, u1, "c1");
    const first = (await s.kv.get<{ expiresAt: number }>(key)).value!;
    s.clock.advance(60_000);
    const watch = s.kv.watch([key]).getReader();
    try {
      await within(
        (async () => {
          for (;;) {
            const { value } = await watch.read();
            const e = value?.[0].value as { expiresAt: number } | null;
            if (e && e.expiresAt > first.expiresAt) return;
          }
        })(),
        2_000,
        "refreshed entry",
      );
    } finally {
      await watch.cancel();
    }
  });
});

/** Wraps `kv` so that each commit reports the connection ids of the presence entries it set. */
function recordRefreshes(kv: Deno.Kv, seen: (connIds: string[]) => void) {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop !== "atomic") {
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      }
      return () => {
        const op = target.atomic();
        const conns: string[] = [];
        const set = op.set.bind(op);
        const commit = op.commit.bind(op);
        op.set = (key, value, options) => {
          if (key[0] === "room_presence") conns.push(String(key.at(-1)));
          return set(key, value, options);
        };
        op.commit = async () => {
          const res = await commit();
          if (res.ok && conns.length > 0) seen(conns);
          return res;
        };
        return op;
      };
    },
  });
}

Deno.test("presence - refreshes come a slice of the connections at a time, and every one is refreshed", async () => {
  await withStore(async (s, make) => {
    const room = s.newId();
    const conns = Array.from({ length: 20 }, (_, i) => `c${i}`);
    let recording = false;
    const commits: string[][] = [];
    const refreshed = new Map<string, number>();
    let check = () => {};
    const kv = recordRefreshes(s.kv, (ids) => {
      if (!recording) return;
      commits.push(ids);
      for (const id of ids) refreshed.set(id, (refreshed.get(id) ?? 0) + 1);
      check();
    });
    // Ten slices of 30 ms: a full refresh every 300 ms.
    const p = make({ ...s, kv, channel: null, ...quiet, refreshMs: 300 });
    for (const c of conns) await p.enter(room, s.newId(), c);
    recording = true;
    await within(
      new Promise<void>((resolve) => {
        check = () => refreshed.size === conns.length && resolve();
      }),
      5_000,
      "every connection refreshed",
    );
    // Two connections a slice: no commit carries more than a fraction of them.
    assert.ok(commits.length >= 5, `${commits.length} refresh commits`);
    for (const ids of commits) assert.ok(ids.length <= 6, ids.join(","));
  });
});
