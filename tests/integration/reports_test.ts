import assert from "node:assert/strict";
import { createAuditLog } from "../../lib/db/audit.ts";
import { createUsers, type SiteRole } from "../../lib/db/users.ts";
import { createIdFactory, systemClock } from "../../lib/shared/clock.ts";
import {
  api,
  createRoom,
  deleteMessage,
  editMessage,
  joinRoom,
  registerUser,
  type TestUser,
} from "../helpers/api.ts";
import { groupOf, HERE, ok, refused, say } from "../helpers/conversations.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const MISSING = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

/** Runs `body` against a fresh server (at most ~15 registrations each), stopping it after. */
async function withServer(body: (s: TestServer) => Promise<void>) {
  const server = await startServer();
  try {
    await body(server);
  } finally {
    assert.equal(await server.stop(), 0);
  }
}

/** Opens the server's KV file from the test, as an operator's tool would. */
async function withKv<T>(
  kvPath: string,
  body: (
    store: { kv: Deno.Kv; clock: typeof systemClock; newId: () => string },
  ) => Promise<T>,
) {
  const kv = await Deno.openKv(kvPath);
  try {
    return await body({ kv, clock: systemClock, newId: createIdFactory() });
  } finally {
    kv.close();
  }
}

/** Gives a user a site role in the KV file; the server reads it on the next request. */
const grant = (kvPath: string, u: TestUser, siteRole: SiteRole) =>
  withKv(
    kvPath,
    (store) => createUsers(store).updateStanding(u.user.id, { siteRole }),
  );

/** Registers users, named by the keys given. */
async function people<K extends string>(url: string, ...names: K[]) {
  const out = {} as Record<K, TestUser>;
  for (const n of names) out[n] = await registerUser(url, n.slice(0, 6));
  return out;
}

const reportMessage = (
  url: string,
  u: TestUser | null,
  room: string,
  seq: number | string,
  body: unknown,
) =>
  api(url, `/rooms/${room}/messages/${seq}/report`, {
    token: u?.token,
    body,
  });

const reportUser = (url: string, u: TestUser, id: string, body: unknown) =>
  api(url, `/users/${id}/report`, { token: u.token, body });

const queue = (url: string, u: TestUser | null, query = "") =>
  api(url, `/moderation/reports${query}`, { token: u?.token });

const closeReport = (
  url: string,
  u: TestUser,
  id: string,
  verb: "resolve" | "dismiss",
  body?: unknown,
) =>
  api(url, `/moderation/reports/${id}/${verb}`, {
    method: "POST",
    token: u.token,
    body,
  });

// deno-lint-ignore no-explicit-any
const idsOf = (page: any): string[] => page.items.map((r: any) => r.id);

Deno.test("reports - a member reports a message and a user; a repeat answers the same report; my export lists them", () =>
  withServer(async ({ url }) => {
    const { owner, author, reporter } = await people(
      url,
      "owner",
      "author",
      "reporter",
    );
    const room = (await createRoom(url, owner, HERE)).id;
    for (const u of [author, reporter]) await joinRoom(url, u, room, HERE);
    const m = await say(url, author, room, "buy cheap followers here");

    const first = ok(
      await reportMessage(url, reporter, room, m.seq, {
        reason: "spam",
        note: "  looks like spam  ",
      }),
      201,
    );
    assert.match(first.id, /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    assert.deepEqual(
      { ...first, id: undefined, createdAt: undefined },
      {
        id: undefined,
        createdAt: undefined,
        target: {
          userId: author.user.id,
          handle: author.user.handle,
          roomId: room,
          messageSeq: m.seq,
        },
        reason: "spam",
        note: "looks like spam",
        status: "open",
      },
    );
    const again = ok(
      await reportMessage(url, reporter, room, m.seq, { reason: "hate" }),
      200,
    );
    assert.deepEqual(again, first);

    const user = ok(
      await reportUser(url, reporter, author.user.id, {
        reason: "harassment",
        roomId: room,
      }),
      201,
    );
    assert.deepEqual(user.target, {
      userId: author.user.id,
      handle: author.user.handle,
      roomId: room,
      messageSeq: null,
    });
    // The target is the person, whichever room (or none) the repeat names.
    const repeat = ok(
      await reportUser(url, reporter, author.user.id, { reason: "other" }),
      200,
    );
    assert.equal(repeat.id, user.id);

    const mine = ok(await api(url, "/me/export", { token: reporter.token }));
    assert.deepEqual(
      // deno-lint-ignore no-explicit-any
      mine.reports.map((r: any) => [r.id, r.reason, r.note, r.target]),
      [[first.id, "spam", "looks like spam", first.target], [
        user.id,
        "harassment",
        null,
        user.target,
      ]],
    );
    // The reported text is the author's, not the reporter's: it stays out of their export.
    assert.ok(!JSON.stringify(mine).includes("cheap followers"));
    const theirs = ok(await api(url, "/me/export", { token: author.token }));
    assert.deepEqual(theirs.reports, []);
  }));

Deno.test("reports - bad input, outsiders, oneself and floods are refused", () =>
  withServer(async ({ url }) => {
    const { owner, author, reporter, outsider, groupie, spammer } =
      await people(
        url,
        "owner",
        "author",
        "reporter",
        "outsider",
        "groupie",
        "spammer",
      );
    const room = (await createRoom(url, owner, HERE)).id;
    for (const u of [author, reporter, spammer]) {
      await joinRoom(url, u, room, HERE);
    }
    const m = await say(url, author, room, "hello there");
    const group = await groupOf(url, groupie, [author]);
    const g = await say(url, author, group, "private words");

    for (
      const body of [
        { reason: "rude" },
        {},
        { reason: "spam", note: "x".repeat(501) },
        { reason: "spam", note: 5 },
      ]
    ) {
      refused(
        await reportMessage(url, reporter, room, m.seq, body),
        400,
        "invalid_request",
      );
    }
    refused(
      await reportUser(url, reporter, author.user.id, {
        reason: "spam",
        roomId: "nope",
      }),
      400,
      "invalid_request",
    );
    refused(
      await reportMessage(url, null, room, m.seq, { reason: "spam" }),
      401,
      "unauthorized",
    );
    refused(
      await reportMessage(url, outsider, room, m.seq, { reason: "spam" }),
      403,
      "not_member",
    );
    refused(
      await reportMessage(url, outsider, group, g.seq, { reason: "spam" }),
      404,
      "not_found",
    );
    refused(
      await reportUser(url, outsider, author.user.id, {
        reason: "spam",
        roomId: group,
      }),
      404,
      "not_found",
    );
    refused(
      await reportMessage(url, author, room, m.seq, { reason: "spam" }),
      422,
      "self_report",
    );
    refused(
      await reportUser(url, author, author.user.id, { reason: "spam" }),
      422,
      "self_report",
    );
    refused(
      await reportMessage(url, reporter, room, m.seq + 50, { reason: "spam" }),
      404,
      "not_found",
    );
    refused(
      await reportUser(url, reporter, MISSING, { reason: "spam" }),
      404,
      "not_found",
    );
    const gone = await say(url, author, room, "soon deleted");
    ok(await deleteMessage(url, author, room, gone.seq));
    refused(
      await reportMessage(url, reporter, room, gone.seq, { reason: "spam" }),
      404,
      "not_found",
    );
    // 20 reports an hour per user, repeats included; then 429 with Retry-After.
    for (let i = 0; i < 20; i++) {
      const res = await reportMessage(url, spammer, room, m.seq, {
        reason: "spam",
      });
      assert.equal(res.status, i === 0 ? 201 : 200);
    }
    const limited = await reportUser(url, spammer, author.user.id, {
      reason: "spam",
    });
    refused(limited, 429, "rate_limited");
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
  }));

Deno.test("moderation queue - site moderators see every report, a room's owner and admins only theirs, anyone else 403", () =>
  withServer(async ({ url, kvPath }) => {
    const u = await people(
      url,
      "owner",
      "author",
      "r1",
      "r2",
      "r3",
      "gowner",
      "gadmin",
      "gmember",
      "staff",
      "plain",
    );
    const room = (await createRoom(url, u.owner, HERE, { name: "Plaza" })).id;
    for (const x of [u.author, u.r1, u.r2, u.r3, u.plain]) {
      await joinRoom(url, x, room, HERE);
    }
    const group = await groupOf(url, u.gowner, [u.author, u.gadmin, u.gmember]);
    ok(
      await api(url, `/rooms/${group}/members/${u.gadmin.user.id}`, {
        method: "PATCH",
        token: u.gowner.token,
        body: { role: "admin" },
      }),
      204,
    );
    await grant(kvPath, u.staff, "moderator");

    const m = await say(url, u.author, room, "the original words");
    const inRoom = ok(
      await reportMessage(url, u.r1, room, m.seq, {
        reason: "harassment",
        note: "mean",
      }),
      201,
    );
    // Moderators see what was reported, whatever the author makes of it later.
    ok(await editMessage(url, u.author, room, m.seq, "nothing to see"));
    const g = await say(url, u.author, group, "group words");
    const inGroup = ok(
      await reportMessage(url, u.gmember, group, g.seq, { reason: "spam" }),
      201,
    );
    const person = ok(
      await reportUser(url, u.r1, u.author.user.id, { reason: "hate" }),
      201,
    );

    const all = ok(await queue(url, u.staff));
    assert.deepEqual(idsOf(all), [person.id, inGroup.id, inRoom.id]);
    assert.equal(all.cursor, null);
    assert.deepEqual(all.items[2], {
      ...all.items[2],
      source: "user",
      reporter: { id: u.r1.user.id, handle: u.r1.user.handle },
      targetUser: {
        id: u.author.user.id,
        handle: u.author.user.handle,
        displayName: u.author.user.displayName,
      },
      room: { id: room, name: "Plaza" },
      messageSeq: m.seq,
      reason: "harassment",
      note: "mean",
      snapshot: "the original words",
      status: "open",
      rules: [],
      hits: 0,
      closedBy: null,
    });
    assert.equal(all.items[0].room, null);
    assert.deepEqual(idsOf(ok(await queue(url, u.staff, `?room=${group}`))), [
      inGroup.id,
    ]);
    assert.deepEqual(
      idsOf(ok(await queue(url, u.staff, "?status=resolved"))),
      [],
    );

    // A room's owner and admins: their room's reports, and only with the room named.
    refused(await queue(url, u.owner), 403, "not_allowed");
    assert.deepEqual(idsOf(ok(await queue(url, u.owner, `?room=${room}`))), [
      inRoom.id,
    ]);
    refused(await queue(url, u.owner, `?room=${group}`), 404, "not_found");
    assert.deepEqual(idsOf(ok(await queue(url, u.gadmin, `?room=${group}`))), [
      inGroup.id,
    ]);
    refused(await queue(url, u.gmember, `?room=${group}`), 403, "not_allowed");
    refused(await queue(url, u.plain, `?room=${room}`), 403, "not_allowed");
    refused(await queue(url, u.r1), 403, "not_allowed");
    refused(await queue(url, null), 401, "unauthorized");
    refused(
      await queue(url, u.staff, "?status=closed"),
      400,
      "invalid_request",
    );

    // Three people reporting one message flag it once.
    for (const r of [u.r2, u.r3]) {
      ok(await reportMessage(url, r, room, m.seq, { reason: "spam" }), 201);
    }
    const roomQueue = ok(await queue(url, u.owner, `?room=${room}`));
    const flagged = roomQueue.items[0];
    assert.equal(roomQueue.items.length, 4);
    assert.deepEqual(
      [flagged.source, flagged.reporter, flagged.rules, flagged.hits],
      ["auto", null, ["many_reports"], 1],
    );
    assert.equal(flagged.messageSeq, m.seq);

    // Paging: one at a time, newest first, the same reports as one page.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?limit=1&cursor=${cursor}` : "?limit=1";
      const page = ok(await queue(url, u.staff, q));
      assert.ok(page.items.length <= 1);
      seen.push(...idsOf(page));
      cursor = page.cursor;
    } while (cursor);
    assert.deepEqual(seen, idsOf(ok(await queue(url, u.staff))));
    assert.equal(seen.length, 6);
  }));

Deno.test("moderation - resolve and dismiss: once each, by those who may see the report, each with an audit entry", () =>
  withServer(async ({ url, kvPath }) => {
    const u = await people(
      url,
      "owner",
      "author",
      "r1",
      "gowner",
      "staff",
      "admin",
      "plain",
    );
    const room = (await createRoom(url, u.owner, HERE)).id;
    for (const x of [u.author, u.r1, u.plain]) {
      await joinRoom(url, x, room, HERE);
    }
    const group = await groupOf(url, u.gowner, [u.author]);
    await grant(kvPath, u.staff, "moderator");
    await grant(kvPath, u.admin, "admin");
    const m = await say(url, u.author, room, "rude words");
    const g = await say(url, u.author, group, "more rude words");
    const inRoom = ok(
      await reportMessage(url, u.r1, room, m.seq, { reason: "hate" }),
      201,
    );
    const person = ok(
      await reportUser(url, u.r1, u.author.user.id, { reason: "spam" }),
      201,
    );
    const inGroup = ok(
      await reportMessage(url, u.gowner, group, g.seq, { reason: "spam" }),
      201,
    );

    // Outside their room, a room owner cannot tell a report exists.
    refused(
      await closeReport(url, u.owner, person.id, "dismiss"),
      404,
      "not_found",
    );
    refused(
      await closeReport(url, u.owner, inGroup.id, "dismiss"),
      404,
      "not_found",
    );
    refused(
      await closeReport(url, u.plain, inRoom.id, "resolve"),
      404,
      "not_found",
    );
    refused(
      await closeReport(url, u.r1, inRoom.id, "resolve"),
      404,
      "not_found",
    );

    const resolved = ok(
      await closeReport(url, u.owner, inRoom.id, "resolve", {
        note: " deleted the message ",
      }),
    );
    assert.deepEqual(
      [resolved.status, resolved.closedBy, resolved.closeNote],
      ["resolved", u.owner.user.id, "deleted the message"],
    );
    assert.ok(Date.parse(resolved.closedAt) > 0);
    refused(
      await closeReport(url, u.owner, inRoom.id, "resolve"),
      409,
      "already_closed",
    );
    refused(
      await closeReport(url, u.staff, inRoom.id, "dismiss", {}),
      409,
      "already_closed",
    );
    // Resolving deletes nothing by itself.
    const still = ok(
      await api(url, `/rooms/${room}/messages?limit=5`, {
        token: u.plain.token,
      }),
    );
    // deno-lint-ignore no-explicit-any
    assert.ok(still.items.some((x: any) => x.seq === m.seq && !x.deleted));

    const dismissed = ok(await closeReport(url, u.staff, person.id, "dismiss"));
    assert.deepEqual([dismissed.status, dismissed.closeNote], [
      "dismissed",
      null,
    ]);
    refused(
      await closeReport(url, u.staff, MISSING, "dismiss"),
      404,
      "not_found",
    );
    refused(
      await closeReport(url, u.staff, "nope", "dismiss"),
      400,
      "invalid_request",
    );
    refused(
      await closeReport(url, u.staff, inGroup.id, "dismiss", { note: 3 }),
      400,
      "invalid_request",
    );

    assert.deepEqual(idsOf(ok(await queue(url, u.staff, "?status=resolved"))), [
      inRoom.id,
    ]);
    assert.deepEqual(
      idsOf(ok(await queue(url, u.staff, "?status=dismissed"))),
      [
        person.id,
      ],
    );
    assert.deepEqual(idsOf(ok(await queue(url, u.staff))), [inGroup.id]);

    const log = ok(
      await api(url, "/moderation/audit", { token: u.admin.token }),
    );
    assert.deepEqual(
      // deno-lint-ignore no-explicit-any
      log.items.map((e: any) => [e.actor, e.action, e.target, e.reason]),
      [
        [u.staff.user.id, "report.dismiss", `report:${person.id}`, null],
        [
          u.owner.user.id,
          "report.resolve",
          `report:${inRoom.id}`,
          "deleted the message",
        ],
      ],
    );
    assert.deepEqual(log.items[1].details, {
      targetUser: u.author.user.id,
      room,
      messageSeq: m.seq,
      source: "user",
    });

    // Once closed, the same person may report the same message again.
    const anew = ok(
      await reportMessage(url, u.r1, room, m.seq, { reason: "hate" }),
      201,
    );
    assert.notEqual(anew.id, inRoom.id);
  }));

Deno.test("moderation audit - site admins and moderators only; newest first, page by page", () =>
  withServer(async ({ url, kvPath }) => {
    const { admin, moderator, plain } = await people(
      url,
      "admin",
      "moderator",
      "plain",
    );
    await grant(kvPath, admin, "admin");
    await grant(kvPath, moderator, "moderator");
    const written = await withKv(kvPath, async (store) => {
      const audit = createAuditLog(store);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          (await audit.record({
            actor: "cli",
            action: "user.ban",
            target: `user:${plain.user.id}`,
            reason: `reason ${i}`,
          })).id,
        );
      }
      return ids;
    });
    const read = (u: TestUser | null, q = "") =>
      api(url, `/moderation/audit${q}`, { token: u?.token });
    refused(await read(plain), 403, "not_allowed");
    refused(await read(null), 401, "unauthorized");
    refused(await read(admin, "?limit=0"), 400, "invalid_request");
    refused(await read(admin, "?cursor=bogus"), 400, "invalid_request");

    const whole = ok(await read(admin));
    assert.deepEqual(idsOf(whole), [...written].reverse());
    assert.equal(whole.cursor, null);
    assert.deepEqual(whole.items[0], {
      id: written[4],
      actor: "cli",
      action: "user.ban",
      target: `user:${plain.user.id}`,
      reason: "reason 4",
      details: null,
      at: whole.items[0].at,
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = ok(
        await read(moderator, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`),
      );
      assert.ok(page.items.length <= 2);
      seen.push(...idsOf(page));
      cursor = page.cursor;
    } while (cursor);
    assert.deepEqual(seen, idsOf(whole));
  }));
