import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { Island, serializeIslandProps } from "../../lib/http/island.tsx";
import { parseIslandProps } from "../../lib/shared/hydrate.ts";
import { ChatPropsSchema } from "../../lib/shared/island_props.ts";
import { newClientId } from "../../islands/room_actions.ts";
import { ANN, msg, ROOM } from "./room_fixtures.ts";

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

const goodChatProps = {
  roomId: ROOM,
  roomName: "Ann's room",
  ownerId: ANN.id,
  memberCount: 2,
  me: ANN,
  role: "owner",
  history: { items: [msg(1)], cursor: null, head: { seq: 4, epoch: "e1" } },
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
  const oldShape = { ...goodChatProps, history: [msg(1)] };
  assert.equal(
    parseIslandProps(JSON.stringify(oldShape), ChatPropsSchema).ok,
    false,
  );
  assert.equal(missing.ok, false);
  assert.equal(parseIslandProps("{not json", ChatPropsSchema).ok, false);
});

Deno.test("newClientId - is fresh each time and fits the clientId pattern", () => {
  const a = newClientId();
  assert.match(a, /^[A-Za-z0-9_-]{1,64}$/);
  assert.notEqual(a, newClientId());
});
