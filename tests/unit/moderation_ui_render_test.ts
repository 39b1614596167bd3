import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import ChatBar from "../../components/ChatBar.tsx";
import Composer from "../../components/Composer.tsx";
import Header from "../../components/Header.tsx";
import MemberList, {
  MemberExtrasContext,
} from "../../components/MemberList.tsx";
import MessageActions from "../../components/MessageActions.tsx";
import ModerationAudit, {
  auditText,
} from "../../components/ModerationAudit.tsx";
import ModerationMemberTools from "../../components/ModerationMemberTools.tsx";
import ModerationPanel from "../../components/ModerationPanel.tsx";
import ModerationReport from "../../components/ModerationReport.tsx";
import ModerationStanding from "../../components/ModerationStanding.tsx";
import ReportDialog from "../../components/ReportDialog.tsx";
import type { MessageContext } from "../../components/message_types.ts";
import { auditPeople } from "../../islands/moderation_site.ts";
import type {
  AuditEntryView,
  ModerationReportView,
} from "../../lib/shared/moderation_schemas.ts";
import { ANN, BEN, CARA, msg, ROOM, ulid } from "./room_fixtures.ts";

const HOSTILE = `<img src=x onerror=alert(1)> "'&`;
const noop = () => {};
const html = renderToString;

function report(
  over: Partial<ModerationReportView> = {},
): ModerationReportView {
  return {
    id: ulid(500),
    source: "user",
    reporter: { id: ANN.id, handle: "ann" },
    targetUser: { id: BEN.id, handle: "ben", displayName: HOSTILE },
    room: { id: ROOM, name: HOSTILE },
    messageSeq: 7,
    reason: "spam",
    note: HOSTILE,
    snapshot: HOSTILE,
    status: "open",
    rules: [],
    hits: 0,
    createdAt: "2026-01-01T12:00:00.000Z",
    updatedAt: "2026-01-01T12:00:00.000Z",
    closedBy: null,
    closedAt: null,
    closeNote: null,
    ...over,
  };
}

const reportOn = { resolve: noop, dismiss: noop };

Deno.test("moderation ui render - a report shows reporter, reason, note and snapshot as text, never markup", () => {
  const out = html(h(ModerationReport, {
    report: report(),
    local: false,
    showRoom: true,
    disabled: false,
    on: reportOn,
  }));
  assert.ok(!/<img/i.test(out), out);
  assert.ok(out.includes("&lt;img src=x onerror=alert(1)>"));
  assert.match(out, /Reported by @ann · Spam/);
  assert.match(out, new RegExp(`href="/rooms/${ROOM}#m-7"`));
  assert.match(out, />Resolve</);
  assert.match(out, />Dismiss</);
  // The room's own panel has no Show / Delete unless it wires them.
  assert.ok(!out.includes("Delete message"));
});

Deno.test("moderation ui render - an automatic flag names its rules and hits; a closed report has no buttons", () => {
  const auto = html(h(ModerationReport, {
    report: report({
      source: "auto",
      reporter: null,
      reason: null,
      rules: ["words", "repeated_link"],
      hits: 3,
    }),
    local: false,
    showRoom: false,
    disabled: false,
    on: { ...reportOn, jump: noop, removeMessage: noop },
  }));
  assert.match(
    auto,
    /Automatic flag: flagged words, a repeated link \(3 hits\)/,
  );
  assert.ok(!auto.includes("href="), "the room's own panel links no room");
  assert.match(auto, />Show message</);
  assert.match(auto, /Delete message…/);
  const closed = html(h(ModerationReport, {
    report: report({
      status: "resolved",
      closedAt: "2026-01-01T13:00:00.000Z",
      closeNote: "handled",
    }),
    local: false,
    showRoom: true,
    disabled: false,
    on: reportOn,
  }));
  assert.ok(!closed.includes(">Resolve<"));
  assert.match(closed, /Resolved 2026-01-01 13:00 UTC: handled/);
});

Deno.test("moderation ui render - the report dialog offers every reason and confirms what happened", () => {
  const subject = {
    kind: "message" as const,
    seq: 3,
    author: { displayName: HOSTILE, handle: "ben" },
    excerpt: HOSTILE,
  };
  const form = html(h(ReportDialog, {
    subject,
    busy: false,
    error: "",
    sent: null,
    onSubmit: noop,
    onClose: noop,
  }));
  assert.ok(!/<img/i.test(form), form);
  assert.match(form, /aria-labelledby="report-heading"/);
  for (const reason of ["spam", "harassment", "hate", "self_harm", "other"]) {
    assert.ok(form.includes(`value="${reason}"`), reason);
  }
  assert.match(form, /<label for="report-reason">Reason<\/label>/);
  assert.match(form, /<label for="report-note">Note \(optional\)<\/label>/);
  const again = html(h(ReportDialog, {
    subject: { kind: "user", id: BEN.id, person: BEN },
    busy: false,
    error: "",
    sent: false,
    onSubmit: noop,
    onClose: noop,
  }));
  assert.match(again, /Report Ben @ben/);
  assert.match(again, /You already reported this/);
  assert.ok(!again.includes("Send report"));
});

Deno.test("moderation ui render - member tools follow the rights given, and Let in shows only for the held", () => {
  const all = { report: true, mute: true, kick: true, ban: true, admit: true };
  const on = {
    report: noop,
    mute: noop,
    unmute: noop,
    kick: noop,
    ban: noop,
    admit: noop,
  };
  const tools = (over: object) =>
    html(h(ModerationMemberTools, {
      member: BEN,
      can: all,
      muted: false,
      held: false,
      disabled: false,
      on,
      ...over,
    }));
  const full = tools({});
  assert.match(full, /aria-label="Report Ben @ben"/);
  assert.match(full, /aria-label="Mute Ben @ben"/);
  assert.match(full, /aria-label="Kick Ben @ben"/);
  assert.match(full, /aria-label="Ban Ben @ben"/);
  assert.ok(!full.includes("Let in"));
  assert.ok(!full.includes("Unmute"));
  for (const label of ["10 min", "1 h", "1 day"]) {
    assert.ok(full.includes(label));
  }
  const heldMuted = tools({ held: true, muted: true });
  assert.match(heldMuted, /aria-label="Let in Ben @ben"/);
  assert.match(heldMuted, /aria-label="Unmute Ben @ben"/);
  const reportOnly = tools({
    can: { ...all, mute: false, kick: false, ban: false, admit: false },
    held: true,
  });
  assert.ok(!reportOnly.includes("Moderate"));
  assert.ok(!reportOnly.includes("Let in"));
  assert.match(reportOnly, />Report</);
  assert.equal(
    tools({
      can: { ...all, report: false, mute: false, kick: false, ban: false },
    }),
    "",
  );
});

Deno.test("moderation ui render - the member list shows what the room adds to each row", () => {
  const out = html(h(
    MemberExtrasContext.Provider,
    {
      value: {
        note: (m) => m.id === BEN.id ? "muted until 13:00 UTC" : "",
        tools: (m) => h("span", { class: "extra" }, `tools for ${m.handle}`),
      },
    },
    h(MemberList, {
      members: [{ ...BEN, role: "member" }, { ...CARA, role: "admin" }],
      presence: {},
      meId: ANN.id,
      onClose: noop,
    }),
  ));
  assert.match(out, /offline · muted until 13:00 UTC/);
  assert.match(out, /tools for ben/);
  assert.match(out, /tools for cara/);
  const plain = html(h(MemberList, {
    members: [{ ...BEN, role: "member" }],
    presence: {},
    meId: ANN.id,
    onClose: noop,
  }));
  assert.ok(!plain.includes("muted"));
});

Deno.test("moderation ui render - Report… is offered on others' messages only, where the page wires it", () => {
  const ctx: MessageContext = {
    meId: ANN.id,
    meHandle: "ann",
    canModerate: false,
    local: true,
    personOf: () => null,
  };
  const on = {
    react: noop,
    openThread: noop,
    startEdit: noop,
    cancelEdit: noop,
    saveEdit: noop,
    remove: noop,
    pin: noop,
  };
  const menu = (author = BEN, report?: () => void) =>
    html(h(MessageActions, {
      message: msg(1, { author }),
      ctx,
      on: { ...on, report },
    }));
  assert.match(menu(BEN, noop), />Report…</);
  assert.ok(!menu(ANN, noop).includes("Report…"), "not my own message");
  assert.ok(!menu(BEN).includes("Report…"), "not where nobody wired it");
});

Deno.test("moderation ui render - the composer shows why posting is limited and locks for a mute", () => {
  const base = {
    id: "message-input",
    label: "Message",
    disabled: false,
    categories: ["social" as const],
    onSend: noop,
    onTyping: noop,
  };
  const locked = html(h(Composer, {
    ...base,
    notice: "You are muted until 13:00 UTC.",
    locked: true,
  }));
  assert.match(
    locked,
    /<p id="message-input-notice" class="composer__notice" aria-live="polite">You are muted until 13:00 UTC.<\/p>/,
  );
  assert.match(locked, /aria-describedby="message-input-notice"/);
  assert.match(locked, /<textarea[^>]* disabled/);
  const slow = html(h(Composer, {
    ...base,
    notice: "Slow mode: one message every 30 s.",
    locked: false,
  }));
  assert.ok(!/<textarea[^>]* disabled/.test(slow));
  assert.ok(!/composer__notice/.test(html(h(Composer, base))));
});

Deno.test("moderation ui render - the bar's Moderation button is there only when given", () => {
  const bar = (moderation?: { open: boolean; onToggle(): void }) =>
    html(h(ChatBar, {
      status: "live",
      notice: "",
      online: 1,
      memberCount: 2,
      filter: null,
      membersOpen: false,
      disabled: false,
      onFilter: noop,
      onMembers: noop,
      onLeave: noop,
      moderation,
    }));
  assert.match(
    bar({ open: true, onToggle: noop }),
    /aria-expanded="true" aria-controls="moderation-panel"[^>]*>.*Moderation</,
  );
  assert.ok(!bar().includes("Moderation"));
});

Deno.test("moderation ui render - the room panel lists slow mode, held people, bans and reports", () => {
  const out = html(h(ModerationPanel, {
    slowModeS: 45,
    shield: { up: true, until: "2026-01-01T12:15:00.000Z" },
    held: [{ ...CARA }],
    bans: [{
      userId: BEN.id,
      handle: "ben",
      displayName: HOSTILE,
      reason: HOSTILE,
      until: null,
    }],
    reports: [report()],
    local: false,
    disabled: false,
    error: "",
    status: "",
    on: {
      slowMode: noop,
      lowerShield: noop,
      admit: noop,
      unban: noop,
      resolve: noop,
      dismiss: noop,
      jump: noop,
      removeMessage: noop,
      refresh: noop,
      close: noop,
    },
  }));
  assert.ok(!/<img/i.test(out), out);
  // An interval the menu does not offer still shows as chosen.
  assert.match(out, /<option selected value="45">45 s<\/option>/);
  assert.match(out, /Up until 2026-01-01 12:15 UTC/);
  assert.match(out, />Lower shield</);
  assert.match(out, /aria-label="Let in Cara @cara"/);
  assert.match(out, /until lifted/);
  assert.match(out, />Unban</);
  assert.match(out, /Delete message…/);
});

Deno.test("moderation ui render - an account's standing offers ban, shadow ban and, for admins, the role", () => {
  const account = {
    id: BEN.id,
    handle: "ben",
    displayName: "Ben",
    siteRole: null,
    banned: false,
    shadowBanned: true,
  };
  const on = { ban: noop, shadowBan: noop, setRole: noop };
  const view = (over: object) =>
    html(h(ModerationStanding, {
      account,
      error: "",
      busy: false,
      canSetRole: false,
      meId: ANN.id,
      on,
      ...over,
    }));
  const mod = view({});
  assert.match(mod, /: Shadow-banned/);
  assert.match(mod, />Ban account</);
  assert.match(mod, />Lift shadow ban</);
  assert.ok(!mod.includes("Site role"));
  assert.match(view({ canSetRole: true }), /Site role/);
  assert.match(view({ meId: BEN.id }), /This is your own account/);
  assert.match(view({ account: null }), /Loading account/);
});

Deno.test("moderation ui render - audit entries read as sentences, naming whom the page knows", () => {
  const entry = (over: Partial<AuditEntryView>): AuditEntryView => ({
    id: ulid(600),
    actor: ANN.id,
    action: "user.shadow_ban",
    target: `user:${BEN.id}`,
    reason: null,
    details: null,
    at: "2026-01-01T12:00:00.000Z",
    ...over,
  });
  const names: Record<string, string> = {
    [ANN.id]: "you",
    [BEN.id]: "Ben @ben",
  };
  const nameOf = (id: string) => names[id] ?? null;
  assert.equal(auditText(entry({}), nameOf), "You shadow-banned Ben @ben");
  assert.equal(
    auditText(
      entry({
        actor: CARA.id,
        action: "member.ban",
        details: { room: ROOM, days: 2 },
      }),
      nameOf,
    ),
    "Someone banned Ben @ben from a room for 2 days",
  );
  assert.equal(
    auditText(
      entry({
        action: "report.resolve",
        target: `report:${ulid(7)}`,
        details: { targetUser: BEN.id },
      }),
      nameOf,
    ),
    "You resolved a report about Ben @ben",
  );
  assert.equal(
    auditText(
      entry({
        actor: "cli",
        action: "user.grant",
        details: { role: "moderator" },
      }),
      nameOf,
    ),
    "An operator (command line) set the site role of Ben @ben to moderator",
  );
  assert.equal(
    auditText(entry({ action: "something.new", target: "thing:1" }), nameOf),
    "You: something.new on thing:1",
  );
  assert.deepEqual(
    auditPeople([
      entry({}),
      entry({
        actor: "cli",
        target: `report:${ulid(7)}`,
        details: { targetUser: CARA.id },
      }),
    ]).sort(),
    [ANN.id, BEN.id, CARA.id].sort(),
  );
  const list = html(h(ModerationAudit, {
    entries: [entry({ reason: HOSTILE })],
    nameOf,
    local: false,
    more: true,
    busy: false,
    error: "",
    onMore: noop,
  }));
  assert.ok(!/<img/i.test(list), list);
  assert.match(list, /Reason: &lt;img/);
  assert.match(list, />Load more</);
});

Deno.test("moderation ui render - the header links Moderation for site staff only", () => {
  const user = {
    id: ANN.id,
    handle: "ann",
    displayName: "Ann",
    createdAt: "2026-01-01T00:00:00.000Z",
  };
  assert.match(
    html(h(Header, { user: { ...user, siteRole: "moderator" } })),
    /<a href="\/moderation">Moderation<\/a>/,
  );
  assert.ok(!html(h(Header, { user })).includes("/moderation"));
  assert.ok(
    !html(h(Header, { user: { ...user, siteRole: null } })).includes(
      "/moderation",
    ),
  );
  assert.ok(!html(h(Header, { user: null })).includes("/moderation"));
});
