import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import {
  applyReaction,
  createMessageActions,
  MAX_EDITS,
  MAX_EMOJIS,
  MAX_PINS,
  MAX_REACTORS_LISTED,
} from "../../lib/db/message_actions.ts";
import { createMessages } from "../../lib/db/messages.ts";
import {
  createRoomLog,
  type Message,
  type RoomEvent,
} from "../../lib/db/room_log.ts";
import { forbidden } from "../../lib/shared/errors.ts";
import type { AuthorView, ReactionSummary } from "../../lib/shared/schemas.ts";
import {
  allEntries,
  dumpKv,
  openTestStore,
  type TestStore,
} from "../helpers/store.ts";

const ROOM = "ROOM";
const ALICE: AuthorView = { id: "ALICE", handle: "alice", displayName: "A" };
const ok = () => {};
const EMOJI = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩🤔"];

async function setup() {
  const store = await openTestStore();
  await store.kv.set(keys.roomHead(ROOM), {
    seq: 0,
    lastMessageAt: null,
    epoch: "e0",
  });
  const log = createRoomLog(store);
  const messages = createMessages(store, log);
  const actions = createMessageActions(store, log);
  const send = async (text: string, clientId = text) =>
    (await messages.createMessage(ROOM, {
      author: ALICE,
      text,
      clientId,
      category: "social",
      mentions: [],
    })).message;
  return { store, messages, actions, send };
}

/** Every entry with its versionstamp: any write at all shows up as a difference. */
const snapshot = async (store: TestStore) =>
  JSON.stringify(
    (await allEntries(store.kv)).map((e) => [e.key, e.value, e.versionstamp]),
    (_, v) => typeof v === "bigint" ? String(v) : v,
  );

/** Asserts `run` fails with `status` and leaves every entry of the KV as it was. */
async function assertRefusedCleanly(
  store: TestStore,
  run: () => Promise<unknown>,
  expected: { status: number; code?: string },
) {
  const before = await snapshot(store);
  const dump = await dumpKv(store.kv);
  await assert.rejects(run(), expected);
  assert.equal(await dumpKv(store.kv), dump);
  assert.equal(await snapshot(store), before);
}

async function eventAt(store: TestStore, seq: number) {
  return (await store.kv.get<RoomEvent>(keys.roomEvent(ROOM, seq)));
}

Deno.test("editMessage - new text, edit history and message.edited land in one commit", async () => {
  const { store, actions, send } = await setup();
  try {
    const m = await send("first");
    store.clock.advance(1_000);
    const { result, events } = await actions.editMessage(
      ROOM,
      m.seq,
      "second",
      ok,
    );
    assert.deepEqual(result, {
      ...m,
      text: "second",
      editedAt: store.clock.now(),
      editSeqs: [2],
    });
    assert.deepEqual(events.map((e) => [e.seq, e.kind]), [[
      2,
      "message.edited",
    ]]);
    assert.deepEqual((events[0] as { message: Message }).message, result);
    store.clock.advance(1_000);
    await actions.editMessage(ROOM, m.seq, "third", ok);
    assert.deepEqual(await actions.listEdits(ROOM, m.seq), [
      { text: "first", editedAt: m.createdAt },
      { text: "second", editedAt: m.createdAt + 1_000 },
    ]);
    const entries = await store.kv.getMany([
      keys.message(ROOM, m.seq),
      keys.roomEvent(ROOM, 3),
      keys.messageEdit(ROOM, m.seq, 3),
      keys.roomHead(ROOM),
    ]);
    assert.equal(new Set(entries.map((e) => e.versionstamp)).size, 1);
    // The same text again is no change: no event, no history.
    const before = await snapshot(store);
    const same = await actions.editMessage(ROOM, m.seq, "third", ok);
    assert.deepEqual(same.events, []);
    assert.equal(await snapshot(store), before);
  } finally {
    store.kv.close();
  }
});

Deno.test("editMessage - a refusing guard, a deleted or unknown message and the edit limit write nothing", async () => {
  const { store, actions, send } = await setup();
  try {
    const m = await send("hello");
    const gone = await send("bye");
    await actions.deleteMessage(ROOM, gone.seq, ok);
    const deny = () => {
      throw forbidden("not_author", "no");
    };
    await assertRefusedCleanly(
      store,
      () => actions.editMessage(ROOM, m.seq, "changed", deny),
      { status: 403, code: "not_author" },
    );
    await assertRefusedCleanly(
      store,
      () => actions.editMessage(ROOM, gone.seq, "back", ok),
      { status: 409, code: "message_deleted" },
    );
    await assertRefusedCleanly(
      store,
      () => actions.editMessage(ROOM, 99, "x", ok),
      { status: 404 },
    );
    for (let i = 1; i <= MAX_EDITS; i++) {
      await actions.editMessage(ROOM, m.seq, `v${i}`, ok);
    }
    await assertRefusedCleanly(
      store,
      () => actions.editMessage(ROOM, m.seq, "one more", ok),
      { status: 422, code: "edit_limit" },
    );
  } finally {
    store.kv.close();
  }
});

Deno.test("deleteMessage - scrubs the text and every earlier text from storage", async () => {
  const { store, actions, send } = await setup();
  try {
    const keep = await send("unrelated words");
    const m = await send("ORIGINAL-secret", "c-2");
    await actions.editMessage(ROOM, m.seq, "EDIT1-secret", ok);
    await actions.setReaction(ROOM, m.seq, "BOB", "👍", true, ok);
    await actions.editMessage(ROOM, m.seq, "EDIT2-secret", ok);
    await actions.setPin(ROOM, m.seq, "ALICE", true, ok);
    const reply = await send("a reply stays", "r");
    const carriedBefore = await Promise.all(
      [2, 3, 5].map((s) => eventAt(store, s)),
    );
    assert.ok((await dumpKv(store.kv)).includes("EDIT2-secret"));
    store.clock.advance(1_000);

    const { result: tomb, events } = await actions.deleteMessage(
      ROOM,
      m.seq,
      ok,
    );
    assert.deepEqual(tomb, {
      ...m,
      text: "",
      deleted: true,
      pinned: false,
      reactions: [],
      mentions: [],
      // The tombstone remembers its own message.deleted, for a later rewrite.
      editSeqs: [8],
      editedAt: tomb.editedAt,
    });
    assert.deepEqual(events.map((e) => [e.seq, e.kind]), [[
      8,
      "message.deleted",
    ]]);

    const dump = await dumpKv(store.kv);
    for (const text of ["ORIGINAL", "EDIT1", "EDIT2"]) {
      assert.ok(!dump.includes(text), `${text} is still stored`);
    }
    assert.ok(
      dump.includes("unrelated words") && dump.includes("a reply stays"),
    );
    assert.deepEqual(await actions.listEdits(ROOM, m.seq), []);
    assert.deepEqual(await actions.listReactions(ROOM, m.seq), []);
    assert.deepEqual(await actions.listPinSeqs(ROOM), []);
    assert.deepEqual(
      (await store.kv.get(keys.message(ROOM, m.seq))).value,
      tomb,
    );
    // The events that carried the message now carry the tombstone, and keep their lifetime.
    for (const before of carriedBefore) {
      const after = await eventAt(store, before.key.at(-1) as number);
      assert.deepEqual(after.value, { ...before.value!, message: tomb });
    }
    // Other messages' events keep their text.
    assert.equal(
      ((await eventAt(store, keep.seq)).value as { message: Message }).message
        .text,
      "unrelated words",
    );
    assert.equal(
      ((await eventAt(store, reply.seq)).value as { message: Message }).message
        .text,
      "a reply stays",
    );
    // Every rewrite happened in the delete's own commit.
    const stamps = await store.kv.getMany([
      keys.roomEvent(ROOM, 2),
      keys.roomEvent(ROOM, 3),
      keys.roomEvent(ROOM, 5),
      keys.roomEvent(ROOM, 8),
      keys.message(ROOM, m.seq),
    ]);
    assert.equal(new Set(stamps.map((e) => e.versionstamp)).size, 1);
    // A second delete is no change.
    const before = await snapshot(store);
    assert.deepEqual((await actions.deleteMessage(ROOM, m.seq, ok)).events, []);
    assert.equal(await snapshot(store), before);
  } finally {
    store.kv.close();
  }
});

Deno.test("deleteMessage - a refusing guard writes nothing, and no action applies to a tombstone", async () => {
  const { store, actions, send } = await setup();
  try {
    const m = await send("mine");
    await assertRefusedCleanly(
      store,
      () =>
        actions.deleteMessage(ROOM, m.seq, () => {
          throw forbidden("not_allowed", "no");
        }),
      { status: 403, code: "not_allowed" },
    );
    await assertRefusedCleanly(
      store,
      () => actions.deleteMessage(ROOM, 42, ok),
      { status: 404 },
    );
    await actions.deleteMessage(ROOM, m.seq, ok);
    for (
      const run of [
        () => actions.setReaction(ROOM, m.seq, "BOB", "👍", true, ok),
        () => actions.setPin(ROOM, m.seq, "ALICE", true, ok),
      ]
    ) {
      await assertRefusedCleanly(store, run, {
        status: 409,
        code: "message_deleted",
      });
    }
  } finally {
    store.kv.close();
  }
});

Deno.test("setReaction - toggles one user's emoji, one event per real change, in one commit", async () => {
  const { store, actions, send } = await setup();
  try {
    const m = await send("react to me");
    const on = await actions.setReaction(ROOM, m.seq, "BOB", "👍", true, ok);
    assert.deepEqual(on.result.reactions, [
      { emoji: "👍", count: 1, by: ["BOB"] },
    ]);
    assert.deepEqual(on.events.map((e) => e.kind), ["reaction.updated"]);
    const e = on.events[0];
    assert.ok(e.kind === "reaction.updated");
    assert.deepEqual(
      [e.messageSeq, e.emoji, e.userId, e.on, e.reactions],
      [m.seq, "👍", "BOB", true, on.result.reactions],
    );
    const stamps = await store.kv.getMany([
      keys.reaction(ROOM, m.seq, "👍", "BOB"),
      keys.message(ROOM, m.seq),
      keys.roomEvent(ROOM, e.seq),
      keys.roomHead(ROOM),
    ]);
    assert.equal(new Set(stamps.map((x) => x.versionstamp)).size, 1);
    // Setting it again changes nothing and appends nothing.
    const before = await snapshot(store);
    assert.deepEqual(
      (await actions.setReaction(ROOM, m.seq, "BOB", "👍", true, ok)).events,
      [],
    );
    assert.equal(await snapshot(store), before);
    await actions.setReaction(ROOM, m.seq, "CAROL", "👍", true, ok);
    const off = await actions.setReaction(ROOM, m.seq, "BOB", "👍", false, ok);
    assert.deepEqual(off.result.reactions, [
      { emoji: "👍", count: 1, by: ["CAROL"] },
    ]);
    const gone = await actions.setReaction(
      ROOM,
      m.seq,
      "CAROL",
      "👍",
      false,
      ok,
    );
    assert.deepEqual(gone.result.reactions, []);
    assert.deepEqual(await actions.listReactions(ROOM, m.seq), []);
    assert.equal(
      (await store.kv.get(keys.reaction(ROOM, m.seq, "👍", "BOB"))).value,
      null,
    );
    // Clearing what was never set is no change either.
    assert.deepEqual(
      (await actions.setReaction(ROOM, m.seq, "DAVE", "🎉", false, ok)).events,
      [],
    );
  } finally {
    store.kv.close();
  }
});

Deno.test("setReaction - a 21st emoji is 422 and writes nothing; an existing one still counts", async () => {
  const { store, actions, send } = await setup();
  try {
    const m = await send("popular");
    for (const emoji of EMOJI.slice(0, MAX_EMOJIS)) {
      await actions.setReaction(ROOM, m.seq, "BOB", emoji, true, ok);
    }
    await assertRefusedCleanly(
      store,
      () =>
        actions.setReaction(ROOM, m.seq, "BOB", EMOJI[MAX_EMOJIS], true, ok),
      { status: 422, code: "too_many_reactions" },
    );
    const more = await actions.setReaction(
      ROOM,
      m.seq,
      "CAROL",
      EMOJI[0],
      true,
      ok,
    );
    assert.equal(more.result.reactions.length, MAX_EMOJIS);
    assert.equal(more.result.reactions[0].count, 2);
  } finally {
    store.kv.close();
  }
});

Deno.test("setPin - pins and unpins with pin.updated, no event when unchanged, at most MAX_PINS", async () => {
  const { store, actions, send } = await setup();
  try {
    const m = await send("pin me");
    const pinned = await actions.setPin(ROOM, m.seq, "ALICE", true, ok);
    assert.equal(pinned.result.pinned, true);
    const e = pinned.events[0];
    assert.ok(e.kind === "pin.updated");
    assert.deepEqual([e.messageSeq, e.pinned, e.by], [m.seq, true, "ALICE"]);
    assert.deepEqual(await actions.listPinSeqs(ROOM), [m.seq]);
    assert.deepEqual(
      (await actions.setPin(ROOM, m.seq, "ALICE", true, ok)).events,
      [],
    );
    await actions.setPin(ROOM, m.seq, "ALICE", false, ok);
    assert.deepEqual(await actions.listPinSeqs(ROOM), []);
    assert.equal(
      (await store.kv.get<Message>(keys.message(ROOM, m.seq))).value?.pinned,
      false,
    );
    for (let i = 0; i < MAX_PINS; i++) {
      const x = await send(`p${i}`);
      await actions.setPin(ROOM, x.seq, "ALICE", true, ok);
    }
    await assertRefusedCleanly(
      store,
      () => actions.setPin(ROOM, m.seq, "ALICE", true, ok),
      { status: 422, code: "pin_limit" },
    );
  } finally {
    store.kv.close();
  }
});

const sum = (list: ReactionSummary[]) =>
  Object.fromEntries(list.map((r) => [r.emoji, [r.count, r.by.length]]));

Deno.test("applyReaction - adds, toggles off and drops an emoji at zero, keeping the others' order", () => {
  let list: ReactionSummary[] = [];
  list = applyReaction(list, "👍", "A", true);
  list = applyReaction(list, "🎉", "A", true);
  list = applyReaction(list, "👍", "B", true);
  assert.deepEqual(list, [
    { emoji: "👍", count: 2, by: ["A", "B"] },
    { emoji: "🎉", count: 1, by: ["A"] },
  ]);
  list = applyReaction(list, "👍", "A", false);
  assert.deepEqual(list, [
    { emoji: "👍", count: 1, by: ["B"] },
    { emoji: "🎉", count: 1, by: ["A"] },
  ]);
  list = applyReaction(list, "👍", "B", false);
  assert.deepEqual(list, [{ emoji: "🎉", count: 1, by: ["A"] }]);
  // Clearing an emoji nobody set leaves the list alone.
  assert.deepEqual(applyReaction(list, "😂", "A", false), list);
});

Deno.test("applyReaction - counts stay exact beyond the listed reactors", () => {
  let list: ReactionSummary[] = [];
  const users = Array.from(
    { length: MAX_REACTORS_LISTED + 5 },
    (_, i) => `U${i}`,
  );
  for (const u of users) list = applyReaction(list, "👍", u, true);
  assert.deepEqual(sum(list), { "👍": [users.length, MAX_REACTORS_LISTED] });
  assert.deepEqual(list[0].by, users.slice(0, MAX_REACTORS_LISTED));
  // An unlisted reactor leaving lowers the count only; a listed one also leaves the list.
  list = applyReaction(list, "👍", users.at(-1)!, false);
  assert.deepEqual(sum(list), {
    "👍": [users.length - 1, MAX_REACTORS_LISTED],
  });
  list = applyReaction(list, "👍", "U0", false);
  assert.deepEqual(sum(list), {
    "👍": [users.length - 2, MAX_REACTORS_LISTED - 1],
  });
  assert.ok(!list[0].by.includes("U0"));
  for (const u of users.slice(1, -1)) {
    list = applyReaction(list, "👍", u, false);
  }
  assert.deepEqual(list, []);
});

Deno.test("applyReaction - a 21st distinct emoji is refused with 422; the 20 keep counting", () => {
  let list: ReactionSummary[] = [];
  for (const e of EMOJI.slice(0, MAX_EMOJIS)) {
    list = applyReaction(list, e, "A", true);
  }
  assert.equal(list.length, MAX_EMOJIS);
  assert.throws(() => applyReaction(list, EMOJI[MAX_EMOJIS], "A", true), {
    status: 422,
    code: "too_many_reactions",
  });
  assert.equal(applyReaction(list, EMOJI[3], "B", true)[3].count, 2);
  // Once one is gone, a new one fits again.
  const fewer = applyReaction(list, EMOJI[0], "A", false);
  assert.equal(
    applyReaction(fewer, EMOJI[MAX_EMOJIS], "A", true).length,
    MAX_EMOJIS,
  );
});

Deno.test("deleteMessage - an author stand-in rewrites the tombstone and the events carrying it, once", async () => {
  const { store, actions, send } = await setup();
  try {
    const m = await send("gone soon", "c-9");
    await actions.deleteMessage(ROOM, m.seq, ok);
    const stand = { id: m.author.id, handle: "", displayName: "Deleted user" };
    const first = await actions.deleteMessage(ROOM, m.seq, ok, {
      author: stand,
    });
    assert.deepEqual(first.result.author, stand);
    assert.deepEqual(first.events, [], "a rewrite appends no event");
    const dump = await dumpKv(store.kv);
    assert.ok(!dump.includes(`"handle":"${m.author.handle}"`), dump);
    const again = await actions.deleteMessage(ROOM, m.seq, ok, {
      author: { ...stand },
    });
    assert.deepEqual(again.events, []);
    assert.equal(await dumpKv(store.kv), dump, "a second run changes nothing");
  } finally {
    store.kv.close();
  }
});
