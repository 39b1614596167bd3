import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import {
  avatarTone,
  formatDay,
  initials,
  joinNames,
  plainText,
} from "../../components/format.ts";
import { buildTimeline, GROUP_WINDOW_MS } from "../../components/timeline.ts";
import TypingLine from "../../components/TypingLine.tsx";
import type { Person } from "../../components/PersonName.tsx";
import { ANN, BEN, CARA, msg } from "./room_fixtures.ts";

const at = (iso: string) => ({ createdAt: iso });

Deno.test("timeline - groups one author's messages within a few minutes, splits on author, gap, category and day", () => {
  const rows = buildTimeline([
    msg(1, { author: ANN, ...at("2026-01-01T23:50:00.000Z") }),
    msg(2, { author: ANN, ...at("2026-01-01T23:52:00.000Z") }),
    msg(3, { author: BEN, ...at("2026-01-01T23:53:00.000Z") }),
    msg(4, { author: BEN, ...at("2026-01-01T23:59:30.000Z") }),
    msg(5, { author: BEN, ...at("2026-01-02T00:00:10.000Z") }),
    msg(6, {
      author: BEN,
      category: "announcement",
      ...at("2026-01-02T00:00:20.000Z"),
    }),
  ], false);
  assert.deepEqual(
    rows.map((r) =>
      r.kind === "day"
        ? r.iso.slice(0, 10)
        : `${r.message.seq}${r.first ? "+" : ""}`
    ),
    ["2026-01-01", "1+", "2", "3+", "4+", "2026-01-02", "5+", "6+"],
  );
  assert.ok(GROUP_WINDOW_MS >= 2 * 60_000);
});

Deno.test("timeline - day separators have stable UTC labels before hydration and local ones after", () => {
  const iso = "2026-03-04T10:00:00.000Z";
  assert.equal(formatDay(iso, false), "2026-03-04");
  assert.equal(formatDay(iso, true, Date.parse(iso)), "Today");
  assert.equal(formatDay(iso, true, Date.parse(iso) + 86_400_000), "Yesterday");
  assert.match(
    formatDay(iso, true, Date.parse("2027-06-01T00:00:00Z")),
    /2026/,
  );
});

Deno.test("format - initials, avatar tones and name lists", () => {
  assert.equal(initials("ana maria lopez"), "AM");
  assert.equal(initials("  "), "?");
  assert.equal(initials("émile"), "É");
  const tone = avatarTone(ANN.id);
  assert.equal(avatarTone(ANN.id), tone, "stable for an id");
  assert.ok(tone >= 0 && tone < 8);
  assert.equal(joinNames(["Ann"]), "Ann");
  assert.equal(joinNames(["Ann", "Ben"]), "Ann and Ben");
  assert.equal(joinNames(["Ann", "Ben", "Cara"]), "Ann, Ben and Cara");
  assert.equal(
    joinNames(["Ann", "Ben", "Cara", "Dan"]),
    "Ann, Ben, Cara and 1 other",
  );
  assert.equal(joinNames(["Ann"], 3), "Ann and 2 others");
});

/** The typing line's markup and the text it reads as. */
function typing(people: Person[]) {
  const html = renderToString(h(TypingLine, { people }));
  return { html, text: html.replace(/<[^>]*>/g, "") };
}

Deno.test("typing line - names one, two or three typists with their handles, and stays short for more", () => {
  assert.equal(typing([]).text, "");
  const one = typing([ANN]);
  assert.equal(one.text, "Ann @ann is typing…");
  assert.match(one.html, /<span class="person__handle">@ann<\/span>/);
  assert.equal(typing([ANN, BEN]).text, "Ann @ann and Ben @ben are typing…");
  assert.equal(
    typing([ANN, BEN, CARA]).text,
    "Ann @ann, Ben @ben and Cara @cara are typing…",
  );
  const four = [ANN, BEN, CARA, { displayName: "Dan", handle: "dan" }];
  assert.equal(typing(four).text, "Several people are typing…");
});

Deno.test("format - plainText drops markup and keeps the words, links included", () => {
  assert.equal(
    plainText("**Hi** _there_ `x` see https://example.com @ann\nbye"),
    "Hi there x see https://example.com @ann bye",
  );
});
