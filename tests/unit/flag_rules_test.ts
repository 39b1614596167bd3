import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";
import {
  compileWordList,
  contentRules,
  extractLinks,
  findListedWords,
  foldText,
  MAX_LINKS,
} from "../../lib/services/flag_rules.ts";

const LIST = compileWordList(["Ass", "shit", "sc@m", "buy followers"]);
const found = (text: string) => findListedWords(text, LIST);

Deno.test("flag rules - listed words match whole words in any case", () => {
  assert.deepEqual(found("what a SHIT day"), ["shit"]);
  assert.deepEqual(found("Ass."), ["ass"]);
  assert.deepEqual(found("(shit), ass!"), ["shit", "ass"]);
  // The list's own spelling is normalised too: "sc@m" is "scam".
  assert.deepEqual(found("total scam"), ["scam"]);
  assert.deepEqual(found("nothing to see here"), []);
});

Deno.test("flag rules - leetspeak is read as the letters it stands for", () => {
  assert.deepEqual(found("sh1t"), ["shit"]);
  assert.deepEqual(found("5h17"), ["shit"]);
  assert.deepEqual(found("a$$"), ["ass"]);
  assert.deepEqual(found("@ss"), [], "a leading @ is a mention, not a letter");
  assert.deepEqual(found("@shit"), ["shit"], "a mention of the word");
  assert.deepEqual(found("sc4m"), ["scam"]);
  assert.deepEqual(found("a55"), ["ass"]);
  assert.deepEqual(found("sc@m"), ["scam"]);
});

Deno.test("flag rules - Unicode tricks are folded away (width, math letters, accents, invisible characters, lookalikes)", () => {
  assert.deepEqual(found("ｓｈｉｔ"), ["shit"], "fullwidth");
  assert.deepEqual(found("𝐬𝐡𝐢𝐭"), ["shit"], "mathematical bold");
  assert.deepEqual(found("ⓢⓗⓘⓣ"), ["shit"], "circled");
  assert.deepEqual(found("shít"), ["shit"], "accent");
  assert.deepEqual(found("shi\u0301t"), ["shit"], "combining accent");
  assert.deepEqual(found("sh\u200bit"), ["shit"], "zero-width space");
  assert.deepEqual(found("sh\u00adit"), ["shit"], "soft hyphen");
  assert.deepEqual(found("SHİT"), ["shit"], "dotted capital I");
  assert.deepEqual(found("shіt"), ["shit"], "Cyrillic і among Latin letters");
  assert.deepEqual(found("аss"), ["ass"], "Cyrillic а among Latin letters");
  assert.equal(foldText("Ｃａｆé"), "cafe");
});

Deno.test("flag rules - no false positives: a listed word inside a longer word, or a word in another script", () => {
  for (
    const clean of [
      "a classic assessment of the embassy's brass",
      "Scunthorpe passes the bass",
      "shiitake mushrooms, shitake is a misspelling",
      "I have 55 apples and 4 cats",
      "glass, grass, mass, pass",
      "ассорти", // Russian: Cyrillic letters only are never read as Latin
      "shitty", // longer word: the list says "shit"
    ]
  ) assert.deepEqual(found(clean), [], clean);
});

Deno.test("flag rules - a phrase matches as consecutive words only", () => {
  assert.deepEqual(found("Want to BUY   followers?"), ["buy followers"]);
  assert.deepEqual(found("buy-followers"), ["buy followers"]);
  assert.deepEqual(found("buy some followers"), []);
  assert.deepEqual(found("followers buy"), []);
});

Deno.test("flag rules - an empty list flags nothing", () => {
  assert.deepEqual(findListedWords("shit", compileWordList([])), []);
  assert.deepEqual(compileWordList([" ", "!!"]).words.size, 0);
});

Deno.test("flag rules - links are found and normalised so spellings of one address compare equal", () => {
  assert.deepEqual(
    extractLinks(
      "see https://Example.com/a, http://www.example.com/a/ and www.EXAMPLE.com/a.",
    ),
    ["example.com/a", "example.com/a", "example.com/a"],
  );
  assert.deepEqual(extractLinks("(https://x.io/p?q=1)"), ["x.io/p?q=1"]);
  assert.deepEqual(extractLinks("no links: example dot com, e.g. this"), []);
  assert.deepEqual(extractLinks("ｈｔｔｐｓ://ｓｐａｍ.ｅｘａｍｐｌｅ"), [
    "spam.example",
  ]);
});

Deno.test("flag rules - more than three links in one message is link spam; three is not", () => {
  const links = (n: number) =>
    Array.from({ length: n }, (_, i) => `https://s${i}.example`).join(" ");
  assert.equal(MAX_LINKS, 3);
  assert.deepEqual(contentRules(links(3), LIST), []);
  assert.deepEqual(contentRules(links(4), LIST), ["links"]);
  assert.deepEqual(contentRules(`shit ${links(4)}`, LIST), ["words", "links"]);
  // The same link four times is four links.
  assert.deepEqual(contentRules("www.a.io ".repeat(4), LIST), ["links"]);
});

Deno.test("config - VICINITY_FLAG_WORDS is a comma-separated list; unset is empty", () => {
  assert.deepEqual(loadConfig({}).flagWords, []);
  assert.deepEqual(loadConfig({ VICINITY_FLAG_WORDS: "" }).flagWords, []);
  assert.deepEqual(
    loadConfig({ VICINITY_FLAG_WORDS: " spam , Buy Followers,,sc@m " })
      .flagWords,
    ["spam", "Buy Followers", "sc@m"],
  );
});

Deno.test("config - a VICINITY_FLAG_WORDS entry without a letter, or too long, stops the start naming the variable", () => {
  for (const bad of ["spam,***", `spam,${"a".repeat(65)}`]) {
    assert.throws(
      () => loadConfig({ VICINITY_FLAG_WORDS: bad }),
      (err: Error) =>
        /VICINITY_FLAG_WORDS=/.test(err.message) &&
        /is not a word/.test(err.message),
      bad,
    );
  }
  const many = Array.from({ length: 1001 }, (_, i) => `w${i}`).join(",");
  assert.throws(
    () => loadConfig({ VICINITY_FLAG_WORDS: many }),
    /VICINITY_FLAG_WORDS=.*at most 1000/s,
  );
});
