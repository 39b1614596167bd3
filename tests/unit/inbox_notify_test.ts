import assert from "node:assert/strict";
import {
  activityToast,
  mentionToast,
  type NotifyContext,
} from "../../islands/inbox_notify.ts";
import { showUnreadTotal, titleWithUnread } from "../../islands/inbox_title.ts";
import { countLabel } from "../../components/InboxBadge.tsx";
import type { NotificationView } from "../../lib/shared/schemas.ts";
import { ANN, BEN, ulid } from "./room_fixtures.ts";

const DM = ulid(920);
const OTHER = ulid(921);
const CTX: NotifyContext = {
  me: ANN.id,
  permission: "granted",
  open: OTHER,
  hidden: false,
};
const ROW = {
  roomId: DM,
  kind: "direct" as const,
  title: "Ben",
  request: null,
};

Deno.test("inbox notify - a message from someone else in a conversation I am not looking at notifies", () => {
  assert.deepEqual(activityToast(ROW, BEN, "hi there", CTX), {
    title: "Ben",
    body: "hi there",
    tag: DM,
  });
  assert.deepEqual(
    activityToast(
      { ...ROW, kind: "group", title: "Climbers" },
      BEN,
      "rope?",
      CTX,
    ),
    { title: "Ben in Climbers", body: "rope?", tag: DM },
  );
  // The open room notifies only while the tab is hidden.
  const here = { ...CTX, open: DM };
  assert.equal(activityToast(ROW, BEN, "hi", here), null);
  assert.notEqual(
    activityToast(ROW, BEN, "hi", { ...here, hidden: true }),
    null,
  );
});

Deno.test("inbox notify - never without permission, for my own messages, proximity rooms or requests I got", () => {
  for (const permission of ["default", "denied", "unsupported"] as const) {
    assert.equal(activityToast(ROW, BEN, "hi", { ...CTX, permission }), null);
  }
  assert.equal(activityToast(ROW, ANN, "mine", CTX), null);
  assert.equal(
    activityToast({ ...ROW, kind: "proximity" }, BEN, "hi", CTX),
    null,
  );
  assert.equal(
    activityToast({ ...ROW, request: "incoming" }, BEN, "hi", CTX),
    null,
  );
  assert.notEqual(
    activityToast({ ...ROW, request: "outgoing" }, BEN, "yes!", CTX),
    null,
    "a reply to my request is news",
  );
});

Deno.test("inbox notify - unread mentions elsewhere notify, tagged by room", () => {
  const n: NotificationView = {
    seq: 3,
    kind: "mention",
    roomId: DM,
    messageSeq: 9,
    from: BEN,
    excerpt: "@ann look",
    at: "2026-01-01T12:00:00.000Z",
    read: false,
  };
  assert.deepEqual(mentionToast(n, CTX), {
    title: "Ben mentioned you",
    body: "@ann look",
    tag: DM,
  });
  assert.equal(mentionToast({ ...n, read: true }, CTX), null);
  assert.equal(mentionToast(n, { ...CTX, open: DM }), null);
  assert.equal(mentionToast(n, { ...CTX, permission: "default" }), null);
});

Deno.test("inbox title - the unread total leads the title, capped at 99+", () => {
  assert.equal(titleWithUnread("Inbox · Vicinity", 1), "(1) Inbox · Vicinity");
  assert.equal(titleWithUnread("Inbox · Vicinity", 0), "Inbox · Vicinity");
  assert.equal(
    titleWithUnread("(2024) plans · Vicinity", 120),
    "(99+) (2024) plans · Vicinity",
  );
  assert.equal(countLabel(99), "99");
  assert.equal(countLabel(100), "99+");
});

Deno.test("inbox title - the count goes on the page's own title, comes off at 0 and fills the header badge", () => {
  const count = { textContent: "" };
  const badge = {
    hidden: true,
    querySelector: (s: string) => s === "[data-count]" ? count : null,
  } as unknown as HTMLElement;
  const doc = {
    title: "(2024) plans · Vicinity",
    querySelectorAll: (s: string) => s === "[data-inbox-total]" ? [badge] : [],
  };
  showUnreadTotal(2, doc);
  assert.equal(doc.title, "(2) (2024) plans · Vicinity");
  assert.deepEqual([badge.hidden, count.textContent], [false, "2"]);
  showUnreadTotal(1, doc);
  assert.equal(doc.title, "(1) (2024) plans · Vicinity");
  showUnreadTotal(0, doc);
  assert.equal(doc.title, "(2024) plans · Vicinity");
  assert.equal(badge.hidden, true);
  // A page that sets its own title meanwhile keeps it.
  doc.title = "Renamed · Vicinity";
  showUnreadTotal(3, doc);
  assert.equal(doc.title, "(3) Renamed · Vicinity");
});
