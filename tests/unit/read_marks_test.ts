import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import { createPrefs } from "../../lib/db/prefs.ts";
import { createReadMarks } from "../../lib/db/read_marks.ts";
import type { Store } from "../../lib/db/store.ts";
import { openTestStore } from "../helpers/store.ts";

/** A room whose log has reached seq 100 (marks are clamped to the head). */
async function roomAt100(store: Store): Promise<string> {
  const room = store.newId();
  await store.kv.set(keys.roomHead(room), {
    seq: 100,
    lastMessageAt: null,
    epoch: "e",
  });
  return room;
}

Deno.test("read marks - only go up", async () => {
  const store = await openTestStore();
  try {
    const marks = createReadMarks(store);
    const room = await roomAt100(store), user = store.newId();
    assert.equal(await marks.getReadMark(room, user), null);
    assert.equal(await marks.setReadMark(room, user, 5), true);
    assert.equal(await marks.setReadMark(room, user, 3), false);
    assert.equal(await marks.setReadMark(room, user, 5), false);
    assert.equal(await marks.getReadMark(room, user), 5);
    store.clock.advance(1_000);
    assert.equal(await marks.setReadMark(room, user, 9), true);
    assert.deepEqual((await store.kv.get(keys.readMark(room, user))).value, {
      seq: 9,
      n: 0,
      at: store.clock.now(),
    });
  } finally {
    store.kv.close();
  }
});

Deno.test("read marks - concurrent raises settle on the highest", async () => {
  const store = await openTestStore();
  try {
    const marks = createReadMarks(store);
    const room = await roomAt100(store), user = store.newId();
    const seqs = Array.from({ length: 40 }, (_, i) => ((i * 17) % 40) + 1);
    const changed = await Promise.all(
      seqs.map((seq) => marks.setReadMark(room, user, seq)),
    );
    assert.ok(changed.includes(true));
    assert.equal(await marks.getReadMark(room, user), 40);
  } finally {
    store.kv.close();
  }
});

Deno.test("read marks - a room's marks list in user order, up to the limit", async () => {
  const store = await openTestStore();
  try {
    const marks = createReadMarks(store);
    const room = await roomAt100(store);
    const users = [store.newId(), store.newId(), store.newId()];
    for (const [i, u] of users.entries()) {
      await marks.setReadMark(room, u, i + 1);
    }
    await marks.setReadMark(await roomAt100(store), users[0], 99);
    assert.deepEqual(await marks.listReadMarks(room, 10), [
      { userId: users[0], seq: 1 },
      { userId: users[1], seq: 2 },
      { userId: users[2], seq: 3 },
    ]);
    assert.equal((await marks.listReadMarks(room, 2)).length, 2);
  } finally {
    store.kv.close();
  }
});

Deno.test("prefs - defaults until set, and many read at once", async () => {
  const store = await openTestStore();
  try {
    const prefs = createPrefs(store);
    const users = Array.from({ length: 25 }, () => store.newId());
    assert.deepEqual(await prefs.getPrefs(users[0]), { privateReading: false });
    assert.deepEqual(await prefs.setPrefs(users[3], { privateReading: true }), {
      privateReading: true,
    });
    assert.deepEqual(await prefs.getPrefs(users[3]), { privateReading: true });
    const many = await prefs.getManyPrefs(users);
    assert.equal(many.size, 25);
    assert.deepEqual(
      users.filter((u) => many.get(u)?.privateReading),
      [users[3]],
    );
  } finally {
    store.kv.close();
  }
});
