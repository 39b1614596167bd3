import assert from "node:assert/strict";
import {
  INTERESTS_MAX,
  parseInterests,
  visibleMinutes,
  visibleUntil,
} from "../../islands/people_format.ts";
import {
  VISIBILITY_MINUTES,
  VisibilityInputSchema,
} from "../../lib/shared/people_schemas.ts";

Deno.test("parseInterests - a comma-separated list, trimmed, blanks and repeats dropped", () => {
  assert.deepEqual(parseInterests(" maps, deno ,, Maps,coffee , "), {
    interests: ["maps", "deno", "coffee"],
  });
  assert.deepEqual(parseInterests(""), { interests: [] });
  assert.deepEqual(parseInterests(" , "), { interests: [] });
});

Deno.test("parseInterests - what the server accepts, or why not", () => {
  const ten = Array.from({ length: 10 }, (_, i) => `tag${i}`);
  const ok = parseInterests(ten.join(","));
  assert.deepEqual(ok, { interests: ten });
  // The server's own schema takes what the parser lets through.
  const body = {
    headline: "Hi",
    interests: (ok as { interests: string[] }).interests,
    lat: 0,
    lng: 0,
    accuracy: 10,
  };
  assert.ok(VisibilityInputSchema.safeParse(body).success);
  assert.deepEqual(parseInterests([...ten, "eleven"].join(",")), {
    error: `At most ${INTERESTS_MAX.count} interests`,
  });
  const long = "x".repeat(INTERESTS_MAX.chars + 1);
  const r = parseInterests(`maps, ${long}`);
  assert.ok("error" in r && r.error.includes("too long"), JSON.stringify(r));
});

Deno.test("visibleMinutes - a duration within the server's bounds", () => {
  assert.equal(visibleMinutes(60), 60);
  assert.equal(visibleMinutes(1), VISIBILITY_MINUTES.min);
  assert.equal(visibleMinutes(10_000), VISIBILITY_MINUTES.max);
  assert.equal(visibleMinutes(Number.NaN), VISIBILITY_MINUTES.default);
  assert.equal(visibleMinutes(29.6), 30);
});

Deno.test("visibleUntil - the end in UTC before hydration, the minutes left, or that it ended", () => {
  const now = Date.parse("2026-01-01T12:00:00.000Z");
  assert.equal(
    visibleUntil("2026-01-01T13:00:00.000Z", now, false),
    "Visible until 13:00 UTC (60 more minutes)",
  );
  assert.equal(
    visibleUntil("2026-01-01T12:00:40.000Z", now, false),
    "Visible until 12:00 UTC (1 more minute)",
  );
  assert.equal(
    visibleUntil("2026-01-01T12:00:00.000Z", now, false),
    "Your visibility has ended.",
  );
  assert.match(
    visibleUntil("2026-01-01T12:30:00.000Z", now, true),
    /^Visible until .+ \(30 more minutes\)$/,
  );
});
