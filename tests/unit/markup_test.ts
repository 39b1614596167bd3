import assert from "node:assert/strict";
import { h } from "preact";
import { render } from "preact-render-to-string";
import RichText, { LINK_REL } from "../../components/RichText.tsx";
import { parseMarkup, type Token } from "../../lib/shared/markup.ts";
import { extractMentions } from "../../lib/shared/mentions.ts";

const text = (t: string): Token => ({ kind: "text", text: t });
const html = (t: string, me?: string, known?: (h: string) => boolean) =>
  render(h(RichText, { text: t, me, mentionHandles: known }));

/** Every plain string in the tokens, in order, without the markers that were consumed. */
function flatten(tokens: Token[]): string {
  return tokens.map((t) => {
    if (t.kind === "text" || t.kind === "code" || t.kind === "link") {
      return t.text;
    }
    if (t.kind === "mention") return `@${t.handle}`;
    if (t.kind === "br") return "\n";
    return flatten(t.children);
  }).join("");
}

const ALLOWED_ATTRS: Record<string, RegExp> = {
  a: new RegExp(`^ href="https?://[^"]*" rel="${LINK_REL}" target="_blank"$`),
  span: /^ class="mention( mention--me)?"$/,
  br: /^\/$/,
  strong: /^$/,
  em: /^$/,
  code: /^$/,
};

/** Asserts every "<" in rendered HTML opens one of RichText's own tags with its own attributes. */
function assertSafe(out: string) {
  const tags = [...out.matchAll(/<\/?([a-z]+)([^>]*)>/g)];
  assert.equal(tags.length, out.split("<").length - 1, out);
  for (const [tag, name, attrs] of tags) {
    const allowed = ALLOWED_ATTRS[name];
    assert.ok(allowed, `${tag} in ${out}`);
    if (!tag.startsWith("</")) assert.match(attrs, allowed, out);
  }
}

Deno.test("markup - plain text is one text token", () => {
  assert.deepEqual(parseMarkup("hello there"), [text("hello there")]);
  assert.deepEqual(parseMarkup(""), []);
});

Deno.test("markup - bold, italic with * and _, and nesting", () => {
  assert.deepEqual(parseMarkup("**b** *i* _u_"), [
    { kind: "bold", children: [text("b")] },
    text(" "),
    { kind: "italic", children: [text("i")] },
    text(" "),
    { kind: "italic", children: [text("u")] },
  ]);
  assert.deepEqual(parseMarkup("***x***"), [
    { kind: "bold", children: [{ kind: "italic", children: [text("x")] }] },
  ]);
  assert.deepEqual(parseMarkup("**a _b_ c**"), [
    {
      kind: "bold",
      children: [
        text("a "),
        { kind: "italic", children: [text("b")] },
        text(" c"),
      ],
    },
  ]);
});

Deno.test("markup - unclosed, spaced and intraword markers stay literal", () => {
  for (
    const s of [
      "**open",
      "*open",
      "_open",
      "a * b * c",
      "** x **",
      "snake_case_name",
      "`x",
    ]
  ) {
    assert.deepEqual(parseMarkup(s), [text(s)], s);
  }
  assert.deepEqual(parseMarkup("*a **b* c**"), [
    { kind: "italic", children: [text("a **b")] },
    text(" c**"),
  ]);
});

Deno.test("markup - inline code keeps its content unformatted", () => {
  assert.deepEqual(parseMarkup("run `**x** @bob https://a.example` now"), [
    text("run "),
    { kind: "code", text: "**x** @bob https://a.example" },
    text(" now"),
  ]);
});

Deno.test("markup - bare http(s) links, trailing punctuation and balanced parens", () => {
  assert.deepEqual(parseMarkup("see https://a.example/x?y=1."), [
    text("see "),
    {
      kind: "link",
      href: "https://a.example/x?y=1",
      text: "https://a.example/x?y=1",
    },
    text("."),
  ]);
  const wiki = "http://w.example/Foo_(bar)";
  assert.deepEqual(parseMarkup(`(${wiki}),`), [
    text("("),
    { kind: "link", href: wiki, text: wiki },
    text("),"),
  ]);
  for (
    const s of [
      "javascript:alert(1)",
      "data:text/html,x",
      "ftp://a.example",
      "https://",
      "https://bank.example@evil.example/",
    ]
  ) {
    assert.deepEqual(parseMarkup(s), [text(s)], s);
  }
});

Deno.test("markup - mentions need a handle of 3-32 chars not after a word char", () => {
  assert.deepEqual(parseMarkup("hi @Ann_1, mail ann@example.com"), [
    text("hi "),
    { kind: "mention", handle: "Ann_1" },
    text(", mail ann@example.com"),
  ]);
  for (const s of ["@ab", `@${"a".repeat(33)}`, "x@bob"]) {
    assert.deepEqual(parseMarkup(s), [text(s)], s);
  }
});

Deno.test("markup - newlines become br tokens", () => {
  assert.deepEqual(parseMarkup("a\nb\r\nc"), [
    text("a"),
    { kind: "br" },
    text("b"),
    { kind: "br" },
    text("c"),
  ]);
});

Deno.test("markup - hostile runs parse to the same text", () => {
  for (
    const s of [
      "*".repeat(4000),
      "*a".repeat(2000),
      "_".repeat(4000),
      "`".repeat(4000),
      "**a _b *c ".repeat(400),
      "http://[".repeat(500),
      "@".repeat(4000),
    ]
  ) {
    const strip = (x: string) => x.replace(/[*_]/g, "");
    assert.equal(strip(flatten(parseMarkup(s))), strip(s), s.slice(0, 12));
  }
  for (const ch of ["*", "_", "`", "@"]) {
    const s = ch.repeat(4000);
    assert.deepEqual(parseMarkup(s), [text(s)], ch);
  }
});

Deno.test("markup - RichText renders each construct as elements", () => {
  assert.equal(
    html("**b** *i* `c` https://a.example @Bob\nx"),
    `<strong>b</strong> <em>i</em> <code>c</code> ` +
      `<a href="https://a.example/" rel="${LINK_REL}" target="_blank">https://a.example</a>` +
      ` <span class="mention">@Bob</span><br/>x`,
  );
  assert.equal(
    html("@Mel hi", "mel"),
    `<span class="mention mention--me">@Mel</span> hi`,
  );
  assert.equal(
    html("@ann @zed", undefined, (h) => h === "ann"),
    `<span class="mention">@ann</span> @zed`,
  );
});

Deno.test("markup - RichText escapes hostile text and only links http(s)", () => {
  const hostile = [
    "<script>alert(1)</script>",
    "</script><!--",
    "[x](javascript:alert(1))",
    "javascript:alert(1)",
    `https://a.example/"onmouseover="x`,
    `**<img src=x onerror=alert(1)>** _<b>_ \`<i>\``,
    "*".repeat(4000),
    "**_*`<a>`*_**",
  ];
  for (const s of hostile) assertSafe(html(s));
  assert.equal(
    html("<script>alert(1)</script>"),
    "&lt;script>alert(1)&lt;/script>",
  );
  assert.equal(html("</script><!--"), "&lt;/script>&lt;!--");
  assert.equal(html("[x](javascript:alert(1))"), "[x](javascript:alert(1))");
  assert.match(
    html(`https://a.example/"onmouseover="x`),
    /^<a href="https:\/\/a\.example\/" /,
  );
});

Deno.test("markup - extractMentions dedupes, lower-cases, skips emails and code", () => {
  assert.deepEqual(
    extractMentions(
      "@Ann and @bob, again @ANN; me@carl.example `@dave` **@Eve**",
    ),
    ["ann", "bob", "eve"],
  );
  assert.deepEqual(extractMentions("no one here"), []);
});

Deno.test("markup - extractMentions keeps at most ten", () => {
  const handles = Array.from({ length: 12 }, (_, i) => `user${i}`);
  assert.deepEqual(
    extractMentions(handles.map((h) => `@${h}`).join(" ")),
    handles.slice(0, 10),
  );
});
