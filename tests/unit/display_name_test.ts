import assert from "node:assert/strict";
import {
  DisplayNameSchema,
  RegisterInputSchema,
} from "../../lib/shared/schemas.ts";

/** Every character the schema must refuse, with a readable name for failures. */
const HOSTILE: Record<string, string> = {
  "LRE U+202A": "\u202A",
  "RLE U+202B": "\u202B",
  "PDF U+202C": "\u202C",
  "LRO U+202D": "\u202D",
  "RLO U+202E": "\u202E",
  "LRI U+2066": "\u2066",
  "RLI U+2067": "\u2067",
  "FSI U+2068": "\u2068",
  "PDI U+2069": "\u2069",
  "LRM U+200E": "\u200E",
  "RLM U+200F": "\u200F",
  "ALM U+061C": "\u061C",
  "ZWSP U+200B": "\u200B",
  "ZWNJ U+200C": "\u200C",
  "ZWJ U+200D": "\u200D",
  "WJ U+2060": "\u2060",
  "BOM U+FEFF": "\uFEFF",
  "soft hyphen U+00AD": "\u00AD",
  "tag U+E0041": "\u{E0041}",
  "NUL": "\u0000",
  "tab": "\t",
  "newline": "\n",
  "DEL": "\u007F",
  "C1 U+0085": "\u0085",
  "line separator U+2028": "\u2028",
  "lone surrogate": "\uD800",
};

function refusal(value: string): string {
  const parsed = DisplayNameSchema.safeParse(value);
  assert.ok(!parsed.success, `should refuse ${JSON.stringify(value)}`);
  return parsed.error.issues.map((i) => i.message).join("; ");
}

Deno.test("DisplayNameSchema - refuses bidi controls, zero-width and other control or format characters anywhere", () => {
  for (const [name, ch] of Object.entries(HOSTILE)) {
    for (const value of [`${ch}Alice`, `Al${ch}ice`, `Alice${ch}x`]) {
      const message = refusal(value);
      assert.match(message, /invisible|control/i, `${name}: ${message}`);
    }
  }
  // The classic: "Alice" spelled backwards behind a right-to-left override.
  refusal("\u202Eecila");
  refusal("admin\u200B");
});

Deno.test("DisplayNameSchema - refuses names that are blank once invisible characters are removed", () => {
  for (
    const value of [
      "",
      "   ",
      "\u200B",
      " \u200B\u200C ",
      "\u3000",
      "\u00A0\u2003",
      "\u3164",
      "\u115F\u1160",
      "\uFFA0",
      "\u2800",
    ]
  ) {
    const parsed = DisplayNameSchema.safeParse(value);
    assert.ok(!parsed.success, `should refuse ${JSON.stringify(value)}`);
  }
});

Deno.test("DisplayNameSchema - normalises to NFC and trims, keeping ordinary names", () => {
  assert.equal(DisplayNameSchema.parse("Rene\u0301e"), "Ren\u00E9e");
  assert.equal(DisplayNameSchema.parse("  Zoë  "), "Zoë");
  for (
    const value of [
      "Alice",
      "José María",
      "Ñandú 🐦",
      "李小龙",
      "محمد",
      "שָׁלוֹם",
      "Dvořák-Smith",
      "O'Brien",
      "x".repeat(64),
    ]
  ) {
    assert.equal(DisplayNameSchema.parse(value), value.normalize("NFC"));
  }
  assert.ok(!DisplayNameSchema.safeParse("x".repeat(65)).success);
  // Decomposed input counts its composed length.
  assert.equal(DisplayNameSchema.parse("e\u0301".repeat(64)).length, 64);
});

Deno.test("RegisterInputSchema - a hostile display name is a displayName issue", () => {
  const parsed = RegisterInputSchema.safeParse({
    handle: "alice",
    displayName: "\u202Eecila",
    password: "correct horse battery",
  });
  assert.ok(!parsed.success);
  assert.deepEqual(parsed.error.issues.map((i) => i.path), [["displayName"]]);
});
