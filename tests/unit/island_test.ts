import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { Island, serializeIslandProps } from "../../lib/http/island.tsx";
import { parseIslandProps } from "../../lib/shared/hydrate.ts";
import { ChatPropsSchema } from "../../lib/shared/island_props.ts";
import { backoffMs, MAX_BACKOFF_MS } from "../../islands/chat_socket.ts";
import * as chat from "../../islands/chat_state.ts";
import type { MessageView } from "../../lib/shared/schemas.ts";

const HOSTILE = [
  "</script><!--",
  "<!--<script>",
  "line\u2028separator\u2029paragraph",
  "</SCRIPT ><!-- & &amp; -->",
];

function Echo({ text }: { text: string }) {
  return h("p", { class: "echo" }, text);
}

const island = (text: string) =>
  renderToString(h(Island<{ text: string }>, {
    name: "Echo",
    component: Echo,
    props: { text },
  }));

/** The text of every island props script, cut where a browser would end the element. */
function propsScripts(html: string): string[] {
  const re = /<script type="application\/json" data-island-props="[^"]*">/g;
  return [...html.matchAll(re)].map((m) => {
    const start = m.index! + m[0].length;
    return html.slice(start, html.toLowerCase().indexOf("</script", start));
  });
}

Deno.test("Island - hostile props text cannot close the script or open a comment, and round-trips", () => {
  for (const text of HOSTILE) {
    const html = island(text);
    const scripts = propsScripts(html);
    assert.equal(scripts.length, 1);
    const json = scripts[0];
    assert.ok(!/<\/script/i.test(json), `raw </script in ${json}`);
    assert.ok(!json.includes("<!--"), `raw <!-- in ${json}`);
    assert.ok(!/[\u2028\u2029]/.test(json), "raw line separator");
    assert.deepEqual(JSON.parse(json), { text });
  }
});

Deno.test("Island - wraps the server-rendered component in a marker tied to its props script", () => {
  const html = island("<b>hi</b>");
  const marker = /<div data-island="Echo" data-island-id="([^"]+)">/.exec(html);
  assert.ok(marker, html);
  assert.ok(html.includes(`data-island-props="${marker[1]}"`));
  assert.ok(html.includes('<p class="echo">&lt;b>hi&lt;/b></p>'), html);
});

Deno.test("serializeIslandProps - escapes < > & U+2028 U+2029 as \\u escapes", () => {
  assert.equal(
    serializeIslandProps({ s: "<>&\u2028\u2029" }),
    '{"s":"\\u003c\\u003e\\u0026\\u2028\\u2029"}',
  );
});

const message = (seq: number, authorId = "01ARZ3NDEKTSV4RRFFQ69G5FAV") =>
  ({
    id: `01ARZ3NDEKTSV4RRFFQ69G5F${String(seq).padStart(2, "0")}`,
    roomId: "01ARZ3NDEKTSV4RRFFQ69G5FAW",
    seq,
    author: { id: authorId, handle: "ann", displayName: "Ann" },
    text: `message ${seq}`,
    clientId: `c${seq}`,
    createdAt: "2026-01-01T00:00:00.000Z",
  }) satisfies MessageView;

const goodChatProps = {
  roomId: "01ARZ3NDEKTSV4RRFFQ69G5FAW",
  me: { id: "01ARZ3NDEKTSV4RRFFQ69G5FAV", displayName: "Ann" },
  history: [message(1)],
};

Deno.test("parseIslandProps - accepts props that match the schema", () => {
  const text = serializeIslandProps(goodChatProps);
  assert.deepEqual(parseIslandProps(text, ChatPropsSchema), {
    ok: true,
    props: goodChatProps,
  });
});

Deno.test("parseIslandProps - refuses props that fail the schema or are not JSON", () => {
  const bad = { ...goodChatProps, roomId: "not-a-ulid" };
  const refused = parseIslandProps(JSON.stringify(bad), ChatPropsSchema);
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.error : "", /roomId/);
  const missing = parseIslandProps('{"roomId":1}', ChatPropsSchema);
  assert.equal(missing.ok, false);
  assert.equal(parseIslandProps("{not json", ChatPropsSchema).ok, false);
});

Deno.test("Chat state - a replayed or older seq is never appended twice", () => {
  let s: chat.ChatState = { messages: [message(1), message(2)], pending: [] };
  for (const seq of [1, 2, 3, 3, 2, 4]) {
    s = chat.receiveMessage(s, message(seq), "01ARZ3NDEKTSV4RRFFQ69G5FAX");
  }
  assert.deepEqual(s.messages.map((m) => m.seq), [1, 2, 3, 4]);
  assert.equal(chat.lastSeq(s), 4);
});

Deno.test("Chat state - an ack ahead of a missing message waits for message.new", () => {
  const me = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  const pending = (clientId: string): chat.PendingMessage => ({
    clientId,
    text: "x",
    createdAt: "2026-01-01T00:00:00.000Z",
    state: "sending",
  });
  let s: chat.ChatState = { messages: [message(1)], pending: [] };
  s = chat.addPending(chat.addPending(s, pending("c2")), pending("c3"));
  s = chat.ackMessage(s, message(3, me), me);
  assert.deepEqual(s.messages.map((m) => m.seq), [1]);
  assert.deepEqual(s.pending.map((p) => [p.clientId, p.state]), [
    ["c2", "sending"],
    ["c3", "sent"],
  ]);
  s = chat.ackMessage(s, message(2, me), me);
  s = chat.receiveMessage(s, message(3, me), me);
  assert.deepEqual(s.messages.map((m) => m.seq), [1, 2, 3]);
  assert.deepEqual(s.pending, []);
});

Deno.test("backoffMs - grows exponentially and is capped", () => {
  const max = () => 1;
  assert.equal(backoffMs(0, max), 500);
  assert.equal(backoffMs(3, max), 4000);
  assert.equal(backoffMs(20, max), MAX_BACKOFF_MS);
  assert.ok(backoffMs(20, () => 0) >= MAX_BACKOFF_MS / 2);
});

Deno.test("newClientId - is fresh each time and fits the clientId pattern", () => {
  const a = chat.newClientId();
  assert.match(a, /^[A-Za-z0-9_-]{1,64}$/);
  assert.notEqual(a, chat.newClientId());
});
