import assert from "node:assert/strict";

const WIDGET = new URL("../../static/widget.js", import.meta.url);

/** The widget's budget on the wire, gzipped. */
const MAX_GZIP_BYTES = 8 * 1024;

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}

Deno.test("widget.js - stays within 8 KB gzipped", async () => {
  const bytes = await Deno.readFile(WIDGET);
  const size = await gzipSize(bytes);
  assert.ok(size > 0);
  assert.ok(size <= MAX_GZIP_BYTES, `widget.js is ${size} bytes gzipped`);
});

Deno.test("widget.js - one IIFE in strict mode: nothing declared at the top level", async () => {
  const text = await Deno.readTextFile(WIDGET);
  const code = text.replace(/^\/\*[\s\S]*?\*\/\s*/, "");
  assert.match(code, /^\(function \(\) \{\n {2}"use strict";/);
  assert.match(code, /\}\)\(\);\n$/);
  // Checked in a page too (tests/e2e/embed_test.ts): window gains no keys.
});

Deno.test("widget.js - listens only to its own frame at the Vicinity origin", async () => {
  const text = await Deno.readTextFile(WIDGET);
  assert.match(
    text,
    /e\.origin !== base \|\| e\.source !== frame\.contentWindow/,
  );
  assert.match(text, /postMessage\(message, base\)/, "never to '*'");
  assert.doesNotMatch(text, /postMessage\([^)]*"\*"/);
});
