import assert from "node:assert/strict";
import {
  accessOf,
  composerAccess,
  CONFIRM_LABEL,
  ENDED_NOTE,
  geolocationError,
  nextRefreshMs,
  PEEK_NOTE,
  refusalText,
  STALE_NOTICE,
} from "../../islands/room_access.ts";
import type { PendingSend } from "../../islands/room_state.ts";

const send = (
  clientId: string,
  state: "sending" | "failed",
  code?: string,
): PendingSend => ({
  clientId,
  text: clientId,
  createdAt: "2026-01-01T00:00:00.000Z",
  threadRoot: null,
  category: "social",
  state,
  ...(code ? { code, error: code } : {}),
});

Deno.test("accessOf - a lapsed lease is the sends refused as location_stale, and only those", () => {
  const stale = [send("a", "failed", "location_stale")];
  const pending = [
    ...stale,
    send("b", "sending"),
    send("c", "failed", "rate_limited"),
  ];
  assert.deepEqual(accessOf(undefined, pending), {
    kind: "stale",
    sends: stale,
  });
  assert.deepEqual(accessOf(undefined, [send("b", "sending")]), {
    kind: "open",
  });
  // Once retried, a send is no longer refused.
  assert.deepEqual(accessOf(undefined, [send("a", "sending")]), {
    kind: "open",
  });
});

Deno.test("accessOf - an ended event wins over everything, from the page or a refused send", () => {
  assert.deepEqual(accessOf("ended", []), { kind: "ended" });
  assert.deepEqual(
    accessOf(undefined, [
      send("a", "failed", "location_stale"),
      send("b", "failed", "room_ended"),
    ]),
    { kind: "ended" },
  );
  assert.deepEqual(accessOf("peek", [send("b", "failed", "room_ended")]), {
    kind: "ended",
  });
  assert.deepEqual(accessOf("peek", []), { kind: "peek" });
});

Deno.test("composerAccess - read-only notes replace the composer; a lock outranks the lease; slow mode informs", () => {
  const mute = { text: "You are muted until 13:00", locked: true };
  const slow = { text: "Slow mode: one message every 30 s.", locked: false };
  const stale = { kind: "stale" as const, sends: [] };
  assert.deepEqual(composerAccess({ kind: "ended" }, mute), {
    readOnlyNote: ENDED_NOTE,
  });
  assert.deepEqual(composerAccess({ kind: "peek" }, null), {
    readOnlyNote: PEEK_NOTE,
  });
  assert.deepEqual(composerAccess(stale, mute), {
    notice: mute.text,
    locked: true,
  });
  assert.deepEqual(composerAccess(stale, slow), {
    notice: STALE_NOTICE,
    confirm: true,
  });
  assert.deepEqual(composerAccess({ kind: "open" }, slow), {
    notice: slow.text,
    locked: false,
  });
  assert.deepEqual(composerAccess({ kind: "open" }, null), {});
  assert.equal(ENDED_NOTE, "This event has ended — the room is read-only");
  assert.equal(PEEK_NOTE, "Reading from nearby — come closer to join");
  assert.equal(CONFIRM_LABEL, "Confirm you're still here");
});

Deno.test("refusalText - the server's reason as is; outside the radius points to peeking when it can", () => {
  const away = "You are outside this room's radius";
  assert.equal(
    refusalText("out_of_range", away, "join", true),
    `${away}. Within its read radius you can still peek.`,
  );
  assert.equal(refusalText("out_of_range", away, "join", false), away);
  assert.equal(refusalText("out_of_range", away, "peek", true), away);
  for (
    const [code, message] of [
      ["implausible_location", "That location is too far from your last one"],
      ["excluded_area", "Rooms cannot be created or joined here"],
      ["bad_code", "That code is wrong or too old"],
    ]
  ) {
    assert.equal(refusalText(code, message, "join", true), message);
  }
  assert.equal(
    refusalText("room_ended", "ended", "checkin", true),
    `${ENDED_NOTE}.`,
  );
});

Deno.test("nextRefreshMs - just after the code changes, 1–30 s, sooner after a failure", () => {
  const now = Date.parse("2026-01-01T00:00:10.000Z");
  assert.equal(nextRefreshMs("2026-01-01T00:00:30.000Z", now, false), 20_300);
  // A device clock ahead of the server's still asks again, a second later.
  assert.equal(nextRefreshMs("2026-01-01T00:00:05.000Z", now, false), 1_000);
  // One far behind never waits longer than a code lasts.
  assert.equal(nextRefreshMs("2026-01-01T00:05:00.000Z", now, false), 30_000);
  assert.equal(nextRefreshMs("2026-01-01T00:00:30.000Z", now, true), 5_000);
  assert.equal(nextRefreshMs("not a time", now, false), 30_000);
});

Deno.test("geolocationError - says what to do for a denied, failed or missing location", () => {
  assert.match(geolocationError(1), /permission was denied/);
  assert.match(geolocationError(2), /Could not find your location/);
  assert.match(geolocationError(3), /Could not find your location/);
  assert.match(geolocationError("unsupported"), /cannot share its location/);
});
