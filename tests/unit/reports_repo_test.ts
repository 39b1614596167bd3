import assert from "node:assert/strict";
import { createAuditLog } from "../../lib/db/audit.ts";
import { keys } from "../../lib/db/keys.ts";
import {
  createReports,
  MANY_REPORTS,
  type Report,
  type Reports,
  type ReportTarget,
} from "../../lib/db/reports.ts";
import { createMessages } from "../../lib/db/messages.ts";
import { createRoomLog } from "../../lib/db/room_log.ts";
import {
  createFlagContext,
  type FlaggableMessage,
  flagMessage,
  FLOOD,
  floodGate,
  RECENT_LINKS_CAP,
  REPEATED_LINK,
} from "../../lib/services/flags.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { allEntries, openTestStore, type TestStore } from "../helpers/store.ts";
import { ulid } from "./room_fixtures.ts";

const ROOM_A = ulid(801);
const ROOM_B = ulid(802);
const AUTHOR = { id: ulid(1), handle: "author" };
const MESSAGE: ReportTarget = {
  userId: AUTHOR.id,
  handle: AUTHOR.handle,
  roomId: ROOM_A,
  messageSeq: 7,
};
const USER: ReportTarget = { ...MESSAGE, messageSeq: null };
const reporter = (n: number) => ulid(100 + n);

/** Runs `body` over a fresh in-memory store with the reports repository. */
async function withReports(
  body: (s: TestStore, reports: Reports) => Promise<void>,
) {
  const store = await openTestStore();
  try {
    await body(store, createReports(store));
  } finally {
    store.kv.close();
  }
}

const fileBy = (reports: Reports, n: number, target = MESSAGE) =>
  reports.fileReport({
    reporterId: reporter(n),
    target,
    reason: "spam",
    note: `note ${n}`,
    snapshot: target.messageSeq ? "buy now" : null,
  });

/** Every stored report, automatic ones apart. */
async function storedReports(s: TestStore) {
  const all = (await allEntries(s.kv)).filter((e) => e.key[0] === "reports");
  const reports = all.map((e) => e.value as Report);
  return {
    user: reports.filter((r) => r.source === "user"),
    auto: reports.filter((r) => r.source === "auto"),
  };
}

const close = (reports: Reports, id: string, by = "mod") =>
  reports.closeReport(id, { status: "dismissed", by, note: null }, {
    actor: by,
    action: "report.dismiss",
    target: `report:${id}`,
  });

Deno.test("reports - one open report per reporter and target: a repeat answers it; once closed, a new one is filed", () =>
  withReports(async (s, reports) => {
    const first = await fileBy(reports, 1);
    assert.equal(first.created, true);
    assert.equal(first.report.status, "open");
    assert.equal(first.report.snapshot, "buy now");
    const again = await fileBy(reports, 1);
    assert.equal(again.created, false);
    assert.equal(again.report.id, first.report.id);
    // Another target, or another reporter, is another report.
    assert.equal((await fileBy(reports, 1, USER)).created, true);
    assert.equal((await fileBy(reports, 2)).created, true);
    assert.equal((await storedReports(s)).user.length, 3);
    await close(reports, first.report.id);
    const after = await fileBy(reports, 1);
    assert.equal(after.created, true);
    assert.notEqual(after.report.id, first.report.id);
    // The same person twice at once still makes one report.
    const twice = await Promise.all([fileBy(reports, 9), fileBy(reports, 9)]);
    assert.deepEqual(twice.map((r) => r.created).sort(), [false, true]);
    assert.equal(twice[0].report.id, twice[1].report.id);
  }));

Deno.test("reports - the third distinct reporter flags the target once; later reporters add nothing", () =>
  withReports(async (s, reports) => {
    assert.equal(MANY_REPORTS, 3);
    assert.equal((await fileBy(reports, 1)).flag, null);
    await fileBy(reports, 1); // a repeat is not another reporter
    assert.equal((await fileBy(reports, 2)).flag, null);
    const third = await fileBy(reports, 3);
    assert.ok(third.flag);
    assert.deepEqual(third.flag.rules, ["many_reports"]);
    assert.equal(third.flag.hits, 1);
    assert.deepEqual(third.flag.target, MESSAGE);
    assert.equal(third.flag.snapshot, "buy now");
    assert.equal((await fileBy(reports, 4)).flag, null);
    const { auto } = await storedReports(s);
    assert.deepEqual(auto.map((r) => [r.id, r.hits]), [[third.flag.id, 1]]);
    // A user reported by many is flagged site-wide, not in the room of one report.
    for (const n of [1, 2]) await fileBy(reports, n, USER);
    const user = await fileBy(reports, 3, USER);
    assert.equal(user.flag?.target.roomId, null);
    assert.equal(user.flag?.target.userId, AUTHOR.id);
  }));

Deno.test("reports - five reporters at once: five reports and exactly one automatic flag", () =>
  withReports(async (s, reports) => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => fileBy(reports, n)),
    );
    assert.ok(results.every((r) => r.created));
    assert.equal(results.filter((r) => r.flag).length, 1);
    const { user, auto } = await storedReports(s);
    assert.equal(user.length, 5);
    assert.equal(auto.length, 1);
    assert.deepEqual(auto[0].rules, ["many_reports"]);
    assert.equal(auto[0].hits, 1);
    const count = await s.kv.get(keys.reportCount(`message:${ROOM_A}:7`));
    assert.equal(count.value, 5);
  }));

Deno.test("reports - closing: once only (409 already_closed), with its audit entry, and it frees the count", () =>
  withReports(async (s, reports) => {
    const a = (await fileBy(reports, 1)).report;
    await fileBy(reports, 2);
    s.clock.advance(5_000);
    const { report, entry } = await reports.closeReport(a.id, {
      status: "resolved",
      by: "mod",
      note: "deleted it",
    }, {
      actor: "mod",
      action: "report.resolve",
      target: `report:${a.id}`,
      reason: "deleted it",
    });
    assert.equal(report.status, "resolved");
    assert.equal(report.closedBy, "mod");
    assert.equal(report.closedAt, s.clock.now());
    assert.equal(report.closeNote, "deleted it");
    assert.equal(entry.at, s.clock.now());
    const log = await createAuditLog(s).list(10);
    assert.deepEqual(log.items, [entry]);
    await assert.rejects(
      close(reports, a.id),
      (e) =>
        e instanceof AppError && e.status === 409 &&
        e.code === "already_closed",
    );
    await assert.rejects(
      close(reports, ulid(999)),
      (e) => e instanceof AppError && e.status === 404,
    );
    // The refused closes wrote no audit entry.
    assert.equal((await createAuditLog(s).list(10)).items.length, 1);
    const open = await reports.listReports({ status: "open", limit: 10 });
    const resolved = await reports.listReports({
      status: "resolved",
      roomId: ROOM_A,
      limit: 10,
    });
    assert.equal(open.items.length, 1);
    assert.deepEqual(resolved.items.map((r) => r.id), [a.id]);
    // One open report is left: two more reporters make three again, and flag.
    assert.equal((await fileBy(reports, 3)).flag, null);
    assert.ok((await fileBy(reports, 4)).flag);
  }));

Deno.test("reports - a closed automatic report lets the rules open a new one", () =>
  withReports(async (_s, reports) => {
    const first = await reports.flag(MESSAGE, ["words"], "x");
    const second = await reports.flag(MESSAGE, ["links"], "x");
    assert.equal(second.id, first.id);
    assert.deepEqual(second.rules, ["words", "links"]);
    assert.equal(second.hits, 2);
    await close(reports, first.id);
    const third = await reports.flag(MESSAGE, ["words"], "x");
    assert.notEqual(third.id, first.id);
    assert.equal(third.hits, 1);
  }));

Deno.test("reports - the queue lists newest first, by status and by room, page by page", () =>
  withReports(async (s, reports) => {
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) {
      s.clock.advance(1_000);
      const target = {
        ...MESSAGE,
        roomId: n % 2 ? ROOM_B : ROOM_A,
        messageSeq: n + 1,
      };
      ids.push((await fileBy(reports, n, target)).report.id);
    }
    const seen: string[] = [];
    let before: string | undefined;
    do {
      const page = await reports.listReports({
        status: "open",
        limit: 2,
        before,
      });
      seen.push(...page.items.map((r) => r.id));
      before = page.cursor ?? undefined;
    } while (before);
    assert.deepEqual(seen, [...ids].reverse());
    const b = await reports.listReports({
      status: "open",
      roomId: ROOM_B,
      limit: 10,
    });
    assert.deepEqual(b, { items: b.items, cursor: null });
    assert.deepEqual(b.items.map((r) => r.id), [ids[3], ids[1]]);
    const mine = await reports.listReportsByReporter(reporter(2), 10);
    assert.deepEqual(mine.map((r) => r.id), [ids[2]]);
  }));

/**
 * Runs `body` with the flag rules over a fresh store. `flag` sends the message through the
 * room log with its flood gate, as the chat service does, then runs the rules on it.
 */
async function withFlags(
  body: (
    s: TestStore,
    flag: (m: Partial<FlaggableMessage>) => ReturnType<typeof flagMessage>,
    reports: Reports,
  ) => Promise<void>,
) {
  await withReports(async (s, reports) => {
    const ctx = createFlagContext(s, reports, ["scam", "buy followers"]);
    const messages = createMessages(s, createRoomLog(s));
    for (const room of [ROOM_A, ROOM_B]) {
      await s.kv.set(keys.roomHead(room), { seq: 0, lastMessageAt: null });
    }
    let n = 0;
    const flag = async (m: Partial<FlaggableMessage>) => {
      const { roomId = ROOM_A, text = "hello", author = AUTHOR } = m;
      const gate = floodGate(roomId, author.id, s.clock.now());
      const sent = await messages.createMessage(roomId, {
        author: { ...author, displayName: author.handle },
        text,
        clientId: `c${++n}`,
        category: "social",
        mentions: [],
        gates: [gate],
      });
      const seq = m.seq ?? sent.message.seq;
      return flagMessage(ctx, { roomId, seq, text, author }, gate.sent);
    };
    await body(s, flag, reports);
  });
}

Deno.test("flagMessage - listed words and too many links flag the message; clean text does not", () =>
  withFlags(async (s, flag) => {
    assert.deepEqual(await flag({ text: "a perfectly fine message" }), {
      rules: [],
      report: null,
    });
    const word = await flag({ text: "this is a SC4M", seq: 40 });
    assert.deepEqual(word.rules, ["words"]);
    assert.deepEqual(word.report?.target, { ...MESSAGE, messageSeq: 40 });
    assert.equal(word.report?.snapshot, "this is a SC4M");
    assert.equal(word.report?.source, "auto");
    const links = await flag({
      text: "www.a.io www.b.io www.c.io www.d.io",
    });
    assert.deepEqual(links.rules, ["links"]);
    assert.equal((await storedReports(s)).auto.length, 2);
  }));

Deno.test("flagMessage - the same link three times within 10 minutes, in any room, flags the third post; later the count starts over", () =>
  withFlags(async (s, flag) => {
    assert.equal(REPEATED_LINK.times, 3);
    const post = (roomId: string) =>
      flag({ roomId, text: `look https://spam.example/x` });
    assert.deepEqual((await post(ROOM_A)).rules, []);
    s.clock.advance(60_000);
    // The same address spelled another way, in another room, by the same person.
    assert.deepEqual(
      (await flag({ roomId: ROOM_B, text: "WWW.SPAM.EXAMPLE/x/" })).rules,
      [],
    );
    s.clock.advance(60_000);
    const third = await post(ROOM_B);
    assert.deepEqual(third.rules, ["repeated_link"]);
    assert.equal(third.report?.target.roomId, ROOM_B);
    // Someone else posting it is their own count.
    assert.deepEqual(
      (await flag({
        text: "https://spam.example/x",
        author: { id: ulid(2), handle: "b" },
      }))
        .rules,
      [],
    );
    const record = await s.kv.get<{ expiresAt: number }>(
      keys.recentLinks(AUTHOR.id),
    );
    assert.equal(
      record.value?.expiresAt,
      s.clock.now() + REPEATED_LINK.windowMs,
    );
    s.clock.advance(REPEATED_LINK.windowMs);
    assert.deepEqual((await post(ROOM_A)).rules, [], "the window is over");
  }));

Deno.test("flagMessage - the recent-links record keeps at most its cap", () =>
  withFlags(async (s, flag) => {
    for (let i = 0; i < RECENT_LINKS_CAP / 2 + 10; i++) {
      await flag({ text: `https://a.example/${i} https://b.example/${i}` });
    }
    const record = await s.kv.get<{ items: unknown[] }>(
      keys.recentLinks(AUTHOR.id),
    );
    assert.equal(record.value?.items.length, RECENT_LINKS_CAP);
  }));

Deno.test("flagMessage - the 11th message in 10 s in one room is a flood, flagged once, even sent at once", () =>
  withFlags(async (s, flag, reports) => {
    assert.deepEqual(FLOOD, { max: 10, windowMs: 10_000 });
    const burst = await Promise.all(
      Array.from({ length: 15 }, () => flag({})),
    );
    const flooded = burst.filter((r) => r.rules.includes("flood"));
    assert.equal(flooded.length, 1);
    // Another room, and the next window, start from zero.
    for (let i = 0; i < FLOOD.max + 1; i++) {
      const other = await flag({ roomId: ROOM_B });
      assert.equal(other.rules.includes("flood"), i === FLOOD.max, `${i}`);
    }
    s.clock.advance(FLOOD.windowMs);
    for (let i = 0; i < FLOOD.max; i++) {
      assert.deepEqual((await flag({})).rules, []);
    }
    const open = await reports.listReports({ status: "open", limit: 10 });
    assert.equal(open.items.length, 2);
  }));

Deno.test("flagMessage - rules and many reports on one message make one automatic report", () =>
  withFlags(async (s, flag, reports) => {
    const hit = await flag({
      seq: MESSAGE.messageSeq!,
      text: "buy followers now",
    });
    for (const n of [1, 2, 3]) await fileBy(reports, n);
    const { auto } = await storedReports(s);
    assert.equal(auto.length, 1);
    assert.equal(auto[0].id, hit.report?.id);
    assert.deepEqual(auto[0].rules, ["words", "many_reports"]);
    assert.equal(auto[0].hits, 2);
  }));
