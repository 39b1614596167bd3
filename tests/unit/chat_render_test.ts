import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import MemberList from "../../components/MemberList.tsx";
import MentionBadge from "../../components/MentionBadge.tsx";
import Chat from "../../islands/Chat.tsx";
import {
  type ChatProps,
  ChatPropsSchema,
} from "../../lib/shared/island_props.ts";
import { ANN, BEN, msg, ROOM } from "./room_fixtures.ts";

const HOSTILE = `<img src=x onerror=alert(1)> [x](javascript:alert(1)) "'&`;

function props(over: Partial<ChatProps> = {}): ChatProps {
  return ChatPropsSchema.parse({
    roomId: ROOM,
    roomName: HOSTILE,
    ownerId: ANN.id,
    memberCount: 2,
    me: ANN,
    role: "owner",
    history: {
      items: [
        msg(1, { author: { ...BEN, displayName: HOSTILE }, text: HOSTILE }),
        msg(2, {
          author: ANN,
          text: "see **this** @ben",
          mentions: [BEN.id],
          editedAt: "2026-01-01T12:05:00.000Z",
          replyCount: 2,
          reactions: [{ emoji: "👍", count: 2, by: [ANN.id, BEN.id] }],
        }),
        msg(3, { deleted: true, text: "" }),
        msg(4, { threadRoot: 2, text: "a reply" }),
      ],
      cursor: "1",
      head: { seq: 9, epoch: "e1" },
    },
    ...over,
  });
}

Deno.test("chat render - every user string is text, never markup", () => {
  const html = renderToString(h(Chat, props()));
  assert.ok(!/<img/i.test(html), html);
  assert.ok(!/href="javascript:/i.test(html), "no script link");
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)>"));
});

Deno.test("chat render - the server renders stable UTC times and the chat's furniture", () => {
  const html = renderToString(h(Chat, props()));
  assert.match(
    html,
    /<time datetime="2026-01-01T12:00:01.000Z">12:00 UTC<\/time>/,
  );
  assert.match(html, /role="log" aria-label="Messages"/);
  assert.match(html, /<ol class="timeline"><li class="day">/);
  assert.ok(html.includes("(edited)"));
  assert.ok(html.includes("Message deleted"));
  assert.ok(html.includes("↪ in thread"));
  assert.ok(html.includes("2 replies"));
  assert.match(html, /<strong>this<\/strong>/);
  assert.match(html, /aria-pressed="true"[^>]*>👍 2</);
  assert.match(html, /<option value="announcement">Announcement<\/option>/);
  assert.match(html, /<textarea id="message-input"[^>]* disabled/);
});

Deno.test("chat render - members are not offered announcements", () => {
  const html = renderToString(h(Chat, props({ role: "member" })));
  assert.ok(!html.includes(">Announcement</option>"));
  assert.ok(
    html.includes(">Announcements</option>"),
    "the filter still has it",
  );
  assert.ok(!html.includes(">Pin<"), "pinning is for owners and admins");
});

Deno.test("chat render - people show their unique @handle beside the display name", () => {
  const html = renderToString(h(Chat, props()));
  assert.match(
    html,
    /<span class="person msg__author"><span class="person__name">Ann<\/span> <span class="person__handle">@ann<\/span><\/span>/,
  );
  assert.ok(
    html.includes('<span class="person__handle">@ben</span>'),
    "a look-alike name still shows the real handle",
  );
  const members = renderToString(
    h(MemberList, {
      members: [{ ...BEN, role: "member" }, { ...ANN, role: "owner" }],
      presence: {},
      meId: ANN.id,
      onClose() {},
    }),
  );
  assert.match(
    members,
    /Ann<\/span> <span class="person__handle">@ann<\/span><\/span> \(you\)/,
  );
  assert.match(
    members,
    /Ben<\/span> <span class="person__handle">@ben<\/span>/,
  );
  const from = {
    seq: 1,
    kind: "mention",
    roomId: ROOM,
    messageSeq: 2,
  } as const;
  const toast = renderToString(
    h(MentionBadge, {
      unread: 1,
      items: [],
      toast: { ...from, from: BEN, excerpt: "hi", at: "", read: false },
      onReadAll() {},
    }),
  );
  assert.match(
    toast,
    /Ben<\/span> <span class="person__handle">@ben<\/span><\/span> mentioned you: hi/,
  );
});
