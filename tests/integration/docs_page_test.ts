import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import DocsApi, {
  type ApiDoc,
  type ApiOperation,
} from "../../components/DocsApi.tsx";
import DocsMarkdown from "../../components/DocsMarkdown.tsx";
import { parseMarkdown } from "../../lib/http/markdown.ts";
import { api } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";

async function page(url: string) {
  const res = await fetch(url);
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text: await res.text(),
  };
}

/** Text as Preact writes it into HTML: `&`, `<` and `"` escaped (`>` is harmless in text). */
const escaped = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll('"', "&quot;");

/** The text of an HTML fragment: tags dropped, entities read. */
const textOf = (html: string) =>
  html.replace(/<[^>]*>/g, "").replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll(
      "&amp;",
      "&",
    );

Deno.test("docs page - /docs anchors every operation of the document by its operationId, with no script", async () => {
  const server = await startServer();
  try {
    const doc = await api(server.url, "/openapi.json");
    assert.equal(doc.status, 200);
    const res = await page(`${server.url}/docs`);
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/html/);
    let count = 0;
    const items: Record<string, ApiOperation>[] = Object.values(doc.body.paths);
    for (const item of items) {
      for (const op of Object.values(item)) {
        const id = op.operationId!;
        assert.ok(res.text.includes(`id="${id}"`), `no anchor for ${id}`);
        assert.ok(res.text.includes(`href="#${id}"`), `no link to ${id}`);
        assert.ok(
          res.text.includes(escaped(op.summary!.split("`")[0])),
          `no summary for ${id}`,
        );
        count++;
      }
    }
    assert.ok(count >= 80, `only ${count} operations`);
    for (const name of ["RoomView", "MessageView", "Error", "InboxItem"]) {
      assert.ok(res.text.includes(`id="schema-${name}"`), `no schema ${name}`);
    }
    // The document's own text holds "<token>": it arrives as text, never as a tag.
    assert.ok(res.text.includes(escaped("Bearer <token>")));
    assert.ok(!res.text.includes("<token>"));
    assert.ok(!/<script/i.test(res.text), "the docs page needs no script");
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("docs page - /docs/protocol renders the protocol's headings and tables, escaped", async () => {
  const source = await Deno.readTextFile(
    new URL("../../docs/protocol.md", import.meta.url),
  );
  const headings = [...source.matchAll(/^(#{1,3}) (.+)$/gm)]
    .map((m) => ({ level: m[1].length, text: m[2].replaceAll("`", "") }));
  assert.ok(headings.length >= 8);
  const server = await startServer();
  try {
    const res = await page(`${server.url}/docs/protocol`);
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/html/);
    const rendered = [
      ...res.text.matchAll(/<h([1-3]) id="[^"]+">(.*?)<\/h\1>/g),
    ]
      .map((m) => ({ level: Number(m[1]), text: textOf(m[2]) }));
    assert.deepEqual(rendered, headings);
    assert.ok(
      res.text.includes('<a href="#ordering-exactly-once-and-resume">'),
      "the contents link to the sections",
    );
    const tableHead = source.split("\n").find((l) => l.startsWith("|"))!
      .split("|").map((c) => c.trim()).filter(Boolean);
    assert.ok(tableHead.length >= 2, "the protocol has a table");
    for (const cell of tableHead) {
      assert.ok(
        res.text.includes(`<th scope="col">${escaped(cell)}</th>`),
        `no table header ${cell}`,
      );
    }
    // "Bearer <token>" in the source is text on the page, never a tag.
    assert.ok(
      res.text.includes(`<code>${escaped("Authorization: Bearer <token>")}`),
    );
    assert.ok(!res.text.includes("<token>"));
    assert.ok(!/<script/i.test(res.text));
    const md = await page(`${server.url}/docs/protocol.md`);
    assert.equal(md.status, 200);
    assert.match(md.type, /^text\/markdown/);
    assert.equal(md.text, source);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("docs page - hostile text in the document or the markdown is escaped, and unsafe links are dropped", () => {
  const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`;
  const doc: ApiDoc = {
    info: { title: evil, version: "1", description: `${evil}\n\n\`${evil}\`` },
    tags: [{ name: evil, description: evil }],
    paths: {
      [`/x/${evil}`]: {
        get: {
          operationId: "hostile",
          summary: evil,
          description: `\`${evil}\``,
          tags: [evil],
          parameters: [{
            name: evil,
            in: "query",
            description: evil,
            schema: { type: "string", enum: [evil], pattern: evil },
          }],
          responses: {
            [evil]: {
              description: evil,
              content: {
                "application/json": {
                  schema: { $ref: `#/components/schemas/${evil}` },
                },
              },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        [evil]: {
          type: "object",
          description: evil,
          properties: { [evil]: { type: "string", description: evil } },
          example: { [evil]: `</script>${evil}` },
        },
      },
    },
  };
  const html = renderToString(h(DocsApi, { doc }));
  assert.ok(!/<script|<img/i.test(html), html.slice(0, 400));
  assert.ok(html.includes(escaped(evil)));
  assert.ok(html.includes('id="hostile"'));

  const md = parseMarkdown(
    [
      `# ${evil}`,
      "",
      `${evil} [click](javascript:void) [ok](https://example.com/a) [file](../lib/x.ts)`,
      "",
      "| a | b |",
      "| - | - |",
      `| ${evil} | \`${evil}\` |`,
      "",
      `- ${evil}`,
      "",
      "```html",
      evil,
      "```",
    ].join("\n"),
  );
  const out = renderToString(h(DocsMarkdown, { blocks: md }));
  assert.ok(!/<script|<img/i.test(out), out);
  assert.ok(!/javascript/i.test(out), "a script link is dropped");
  assert.ok(out.includes('<a href="https://example.com/a">ok</a>'));
  assert.ok(!out.includes("../lib/x.ts"), "a file path is no link");
  assert.ok(out.includes("file"));
  assert.equal(out.split(escaped(evil)).length - 1, 6);
});
