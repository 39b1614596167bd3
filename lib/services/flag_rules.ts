import type { FlagRule } from "../shared/moderation_schemas.ts";

/** A message with more links than this is link spam by itself. */
export const MAX_LINKS = 3;

/** Digits and symbols commonly written for letters ("h3ll0", "b@d", "$pam"). */
const LEET: Record<string, string> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "@": "a",
  "$": "s",
};

/** Cyrillic and Greek letters drawn exactly like Latin ones, swapped in to dodge a list. */
const LOOKALIKE: Record<string, string> = {
  "а": "a",
  "в": "b",
  "е": "e",
  "к": "k",
  "м": "m",
  "н": "h",
  "о": "o",
  "р": "p",
  "с": "c",
  "т": "t",
  "у": "y",
  "х": "x",
  "і": "i",
  "ј": "j",
  "ѕ": "s",
  "α": "a",
  "ε": "e",
  "ι": "i",
  "κ": "k",
  "ν": "v",
  "ο": "o",
  "ρ": "p",
  "τ": "t",
  "υ": "u",
  "χ": "x",
};

/** Characters that render as nothing, used to split a word invisibly (soft hyphen, ZWSP, …). */
const INVISIBLE =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g;

/** Lower-cased, compatibility-folded (NFKC: fullwidth, ligatures, math letters), without accents. */
export function foldText(text: string): string {
  return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")
    .replace(INVISIBLE, "").normalize("NFKC").toLowerCase();
}

/** One word as the list compares it: a leading @ (a mention) dropped, leetspeak read, lookalikes read. */
function canonicalWord(raw: string): string {
  const word = raw.replace(/^@+/, "").replace(/[@$0-9]/g, (c) => LEET[c] ?? c);
  // Only a word that mixes in Latin letters is read through lookalikes: Russian or Greek
  // words stay as written, so they never match an English entry by accident.
  if (!/[a-z]/.test(word)) return word;
  return [...word].map((c) => LOOKALIKE[c] ?? c).join("");
}

/** The words of a text, folded and canonical, in order; symbols that stand for letters stay in. */
export function wordsOf(text: string): string[] {
  return foldText(text).split(/[^\p{L}\p{N}@$]+/u).map(canonicalWord)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/** A compiled word list: single words in a set, phrases as word sequences. */
export type WordList = { words: ReadonlySet<string>; phrases: string[][] };

/** Compiles configured entries (any case, any spelling) into the form texts are matched in. */
export function compileWordList(entries: readonly string[]): WordList {
  const words = new Set<string>();
  const phrases: string[][] = [];
  for (const entry of entries) {
    const parts = wordsOf(entry);
    if (parts.length === 1) words.add(parts[0]);
    else if (parts.length > 1) phrases.push(parts);
  }
  return { words, phrases };
}

/** The list's entries a text contains as whole words (never inside a longer word). */
export function findListedWords(text: string, list: WordList): string[] {
  if (list.words.size === 0 && list.phrases.length === 0) return [];
  const words = wordsOf(text);
  const found = new Set(words.filter((w) => list.words.has(w)));
  for (const phrase of list.phrases) {
    const at = words.findIndex((_, i) =>
      phrase.every((p, j) => words[i + j] === p)
    );
    if (at >= 0) found.add(phrase.join(" "));
  }
  return [...found];
}

const LINK = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"'`]+/gi;

/**
 * The links in a text, each normalised so that spellings of one address compare equal:
 * lower case, without scheme, "www.", trailing punctuation or a trailing slash.
 */
export function extractLinks(text: string): string[] {
  return [...foldText(text).matchAll(LINK)].map((m) =>
    m[0].replace(/^https?:\/\//, "").replace(/^www\./, "")
      .replace(/[.,;:!?)\]}*]+$/, "").replace(/\/+$/, "")
  ).filter((l) => l.length > 0);
}

/** The rules a message's text breaks by itself: listed words, too many links. */
export function contentRules(text: string, list: WordList): FlagRule[] {
  const rules: FlagRule[] = [];
  if (findListedWords(text, list).length > 0) rules.push("words");
  if (extractLinks(text).length > MAX_LINKS) rules.push("links");
  return rules;
}
