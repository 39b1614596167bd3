import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import BlockList from "../../components/BlockList.tsx";
import { BlockedContext } from "../../components/BlockedMessage.tsx";
import ConversationMembers from "../../components/ConversationMembers.tsx";
import ConversationRequest from "../../components/ConversationRequest.tsx";
import MessageItem from "../../components/MessageItem.tsx";
import RoomHeader, { roomTitle } from "../../components/RoomHeader.tsx";
import type { MessageContext } from "../../components/message_types.ts";
import Chat from "../../islands/Chat.tsx";
import { memberActions } from "../../islands/conversation_policy.ts";
import {
  type ChatProps,
  ChatPropsSchema,
} from "../../lib/shared/island_props.ts";
import type { RoomView } from "../../lib/shared/schemas.ts";
import { ANN, BEN, CARA, msg, ROOM } from "./room_fixtures.ts";

const SECRET = "the blocked person's words";

function props(over: Partial<ChatProps> = {}): ChatProps {
  return ChatPropsSchema.parse({
    roomId: ROOM,
    roomName: "Gate",
    ownerId: ANN.id,
    memberCount: 3,
    me: ANN,
    role: "member",
    history: {
      items: [
        msg(1, { author: BEN, text: SECRET }),
        msg(2, { author: CARA, text: "Cara is not blocked" }),
      ],
      cursor: null,
      head: { seq: 2, epoch: "e1" },
    },
    ...over,
  });
}

const ctx: MessageContext = {
  meId: ANN.id,
  meHandle: ANN.handle,
  canModerate: false,
  local: false,
  personOf: () => null,
};
const noop = () => {};
const on = {
  react: noop,
  openThread: noop,
  startEdit: noop,
  cancelEdit: noop,
  saveEdit: noop,
  remove: noop,
  pin: noop,
};

function row(blocked: string[], shown: number[] = []) {
  return renderToString(
    h(
      BlockedContext.Provider,
      {
        value: { blocked: new Set(blocked), shown: new Set(shown), show: noop },
      },
      h(MessageItem, {
        message: msg(1, { text: SECRET }),
        first: true,
        ctx,
        on,
        editing: false,
      }),
    ),
  );
}

Deno.test("conversation render - a blocked person's message is a collapsed placeholder with Show", () => {
  const html = row([BEN.id]);
  assert.ok(html.includes("Message from a blocked user"), html);
  assert.match(
    html,
    /<button type="button" class="link-button">Show<\/button>/,
  );
  assert.ok(!html.includes(SECRET), "the text is not in the page");
  assert.ok(!html.includes("@ben"), "nor who wrote it");
  assert.match(html, /id="m-1"/, "links to the message still land on it");
});

Deno.test("conversation render - a revealed or unblocked message shows in full", () => {
  assert.ok(row([BEN.id], [1]).includes(SECRET), "shown in this view");
  assert.ok(row([]).includes(SECRET));
  assert.ok(row([CARA.id]).includes(SECRET), "only its author's block counts");
});

Deno.test("conversation render - the server-rendered chat collapses blocked authors from its props", () => {
  const html = renderToString(h(Chat, props({ blocked: [BEN.id] })));
  assert.ok(!html.includes(SECRET), "not even in the first paint");
  assert.ok(html.includes("Message from a blocked user"));
  assert.ok(html.includes("Cara is not blocked"));
  const open = renderToString(h(Chat, props()));
  assert.ok(open.includes(SECRET), "without the block, the text shows");
});

Deno.test("conversation render - a DM request: Accept and Decline for the recipient, a note for the sender", () => {
  const incoming = renderToString(
    h(Chat, props({ kind: "direct", peer: BEN, request: "incoming" })),
  );
  assert.match(
    incoming,
    /<span class="person__name">Ben<\/span> <span class="person__handle">@ben<\/span><\/span> wants to message you\./,
  );
  assert.match(incoming, />Accept<\/button>/);
  assert.match(incoming, />Decline<\/button>/);
  assert.ok(!incoming.includes(">Leave<"), "a DM has no Leave");
  assert.ok(!incoming.includes('aria-label="Category"'), "nor categories");
  assert.ok(!incoming.includes(">Announcements</option>"), "nor a filter");
  const outgoing = renderToString(
    h(Chat, props({ kind: "direct", peer: BEN, request: "outgoing" })),
  );
  assert.ok(
    outgoing.includes(
      "Message request sent — you can send one message until they accept.",
    ),
  );
  assert.ok(!outgoing.includes(">Accept<"));
  const accepted = renderToString(
    h(Chat, props({ kind: "direct", peer: BEN, request: null })),
  );
  assert.ok(!accepted.includes("Message request"));
  assert.ok(!accepted.includes("wants to message you"));
});

Deno.test("conversation render - a lasting refusal is spelled out above the composer", () => {
  const html = renderToString(
    h(ConversationRequest, {
      request: null,
      peer: BEN,
      error: "",
      refusal: "You blocked this person; unblock to write",
      disabled: false,
      onAccept: noop,
      onDecline: noop,
    }),
  );
  assert.match(
    html,
    /role="alert"[^>]*>Not sent: You blocked this person; unblock to write</,
  );
});

Deno.test("conversation render - a DM's heading and title name the other person with their handle", () => {
  // Only what the heading reads; other fields of a room view do not matter here.
  const room = {
    id: ROOM,
    kind: "direct",
    name: "Direct message",
    description: "",
    lat: null,
    lng: null,
    radiusM: null,
    category: "social",
    ownerId: ANN.id,
    memberCount: 2,
    createdAt: "2026-01-01T00:00:00.000Z",
    expiresAt: null,
    lastMessageAt: null,
  } as RoomView;
  const html = renderToString(
    h(RoomHeader, { room, compact: true, peer: BEN }),
  );
  assert.match(
    html,
    /<h1><span class="person"><span class="person__name">Ben<\/span> <span class="person__handle">@ben<\/span><\/span><\/h1>/,
  );
  assert.ok(html.includes("Direct message"), "the kind is still said");
  assert.equal(roomTitle(room, BEN), "Ben @ben");
  const group = { ...room, kind: "group" as const, name: "Climbers" };
  assert.equal(roomTitle(group, null), "Climbers");
  assert.match(
    renderToString(h(RoomHeader, { room: group, compact: true })),
    /<h1>Climbers<\/h1>/,
  );
});

Deno.test("conversation render - the member list offers what the viewer's role allows", () => {
  const members = [
    { ...ANN, role: "admin" as const },
    { ...BEN, role: "owner" as const },
    { ...CARA, role: "member" as const },
  ];
  const render = (myRole: "owner" | "admin" | "member", blocked: string[]) =>
    renderToString(h(ConversationMembers, {
      members,
      presence: {},
      meId: ANN.id,
      blocked: new Set(blocked),
      invite: myRole !== "member",
      actionsOf: (m) => memberActions("group", myRole, ANN.id, m),
      disabled: false,
      error: "",
      status: "",
      on: {
        message: noop,
        block: noop,
        unblock: noop,
        remove: noop,
        setRole: noop,
        add: () => Promise.resolve(true),
      },
      onClose: noop,
    }));
  const admin = render("admin", [CARA.id]);
  assert.ok(admin.includes("Add people by handle"));
  assert.equal(
    admin.match(/>Remove</g)?.length,
    1,
    "admins remove members only",
  );
  assert.match(admin, /aria-label="Remove Cara @cara"/);
  assert.match(admin, /aria-label="Unblock Cara @cara"[^>]*>Unblock</);
  assert.match(admin, /aria-label="Block Ben @ben"[^>]*>Block</);
  assert.ok(!admin.includes("Role of"), "only owners change roles");
  assert.ok(
    !admin.includes('aria-label="Message Cara'),
    "no Message beside someone I blocked",
  );
  assert.match(admin, /aria-label="Message Ben @ben"[^>]*>Message</);
  const member = render("member", []);
  assert.ok(!member.includes(">Remove<"));
  assert.ok(!member.includes("Add people"));
  const owner = render("owner", []);
  assert.equal(owner.match(/aria-label="Role of /g)?.length, 2);
  assert.equal(owner.match(/>Remove</g)?.length, 2);
});

Deno.test("conversation render - settings list blocked people with an Unblock form each", () => {
  const html = renderToString(h(BlockList, {
    blocked: [{ ...BEN, blockedAt: "2026-01-02T10:00:00.000Z" }],
  }));
  assert.match(html, /<h2 id="blocked-title">Blocked people<\/h2>/);
  assert.match(html, /action="\/settings\/blocks\/remove"/);
  assert.ok(html.includes(`name="userId" value="${BEN.id}"`));
  assert.match(html, /aria-label="Unblock Ben @ben"[^>]*>Unblock</);
  const none = renderToString(h(BlockList, { blocked: [] }));
  assert.ok(none.includes("You have not blocked anyone."));
});
