import { parseMarkup, type Token } from "./markup.ts";

/** The most handles one message can mention; later ones are ignored. */
export const MAX_MENTIONS = 10;

/** Unique lower-cased @handles in `text` (not in code or links), in order of first appearance, at most ten. */
export function extractMentions(text: string): string[] {
  const seen = new Set<string>();
  const walk = (tokens: Token[]): void => {
    for (const token of tokens) {
      if (seen.size >= MAX_MENTIONS) return;
      if (token.kind === "mention") seen.add(token.handle.toLowerCase());
      else if (token.kind === "bold" || token.kind === "italic") {
        walk(token.children);
      }
    }
  };
  walk(parseMarkup(text));
  return [...seen];
}
