import type { MdBlock, MdInline } from "../../components/DocsMarkdown.tsx";

/**
 * A small markdown reader for the project's own docs: ATX headings, paragraphs, nested lists,
 * fenced code, pipe tables, rules, and inline code, strong, emphasis and links. It builds a
 * tree of plain strings that components render as text, so nothing in the source can become
 * markup; links keep only http(s), mailto, root-relative and in-page targets.
 */
export function parseMarkdown(source: string): MdBlock[] {
  const slugs = new Map<string, number>();
  return parseBlocks(source.replace(/\r\n?/g, "\n").split("\n"), slugs);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const ITEM = /^( *)([-*+]|\d{1,9}[.)])\s+/;
const RULE = /^ {0,3}([-*_])( *\1){2,}\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

const isBlank = (line: string) => line.trim() === "";
const indentOf = (line: string) => line.length - line.trimStart().length;

/** Whether a line starts a block other than a paragraph (so it ends one). */
function startsBlock(lines: string[], i: number): boolean {
  const line = lines[i];
  return FENCE.test(line) || HEADING.test(line) || ITEM.test(line) ||
    RULE.test(line) || isTableAt(lines, i);
}

function isTableAt(lines: string[], i: number): boolean {
  return lines[i].trimStart().startsWith("|") && i + 1 < lines.length &&
    TABLE_RULE.test(lines[i + 1]) && lines[i + 1].includes("-");
}

function parseBlocks(lines: string[], slugs: Map<string, number>): MdBlock[] {
  const blocks: MdBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      const indent = indentOf(line);
      for (i++; i < lines.length; i++) {
        if (lines[i].trim().startsWith(fence[1])) break;
        body.push(lines[i].slice(Math.min(indent, indentOf(lines[i]))));
      }
      i++;
      blocks.push({ kind: "code", lang: fence[2], text: body.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({
        kind: "heading",
        level: heading[1].length,
        id: slugFor(heading[2], slugs),
        children: parseInline(heading[2]),
      });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ kind: "rule" });
      i++;
      continue;
    }
    if (isTableAt(lines, i)) {
      const rows: string[] = [];
      for (; i < lines.length && lines[i].trimStart().startsWith("|"); i++) {
        rows.push(lines[i]);
      }
      const [head, , ...body] = rows.map(cellsOf);
      blocks.push({
        kind: "table",
        head: head.map(parseInline),
        rows: body.map((r) => head.map((_, c) => parseInline(r[c] ?? ""))),
      });
      continue;
    }
    if (ITEM.test(line)) {
      i = parseList(lines, i, blocks, slugs);
      continue;
    }
    const text: string[] = [];
    for (; i < lines.length && !isBlank(lines[i]); i++) {
      if (text.length && startsBlock(lines, i)) break;
      text.push(lines[i].trim());
    }
    blocks.push({ kind: "paragraph", children: parseInline(text.join(" ")) });
  }
  return blocks;
}

/** Reads one list from line i into blocks; returns the index of the first line after it. */
function parseList(
  lines: string[],
  start: number,
  blocks: MdBlock[],
  slugs: Map<string, number>,
): number {
  const first = ITEM.exec(lines[start])!;
  const base = first[1].length;
  const ordered = /\d/.test(first[2]);
  const items: MdBlock[][] = [];
  let i = start;
  while (i < lines.length) {
    const m = ITEM.exec(lines[i]);
    if (!m || m[1].length !== base || /\d/.test(m[2]) !== ordered) break;
    const width = m[0].length;
    const body = [lines[i].slice(width)];
    for (i++; i < lines.length; i++) {
      const line = lines[i];
      if (isBlank(line)) {
        const next = lines.slice(i + 1).find((l) => !isBlank(l));
        if (next === undefined || indentOf(next) < width) break;
        body.push("");
      } else if (indentOf(line) >= width) body.push(line.slice(width));
      else if (indentOf(line) > base || !startsBlock(lines, i)) {
        body.push(line.trim()); // a lazy continuation of the item's paragraph
      } else break;
    }
    items.push(parseBlocks(body, slugs));
  }
  blocks.push({ kind: "list", ordered, items });
  return i;
}

/** A table row's cells: split on pipes outside code spans, the outer pipes dropped. */
function cellsOf(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let inCode = false;
  const text = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && text[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (ch === "`") {
      inCode = !inCode;
      cell += ch;
    } else if (ch === "|" && !inCode) {
      cells.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

function slugFor(text: string, slugs: Map<string, number>): string {
  const base = plain(parseInline(text)).toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "") || "section";
  const n = (slugs.get(base) ?? 0) + 1;
  slugs.set(base, n);
  return n === 1 ? base : `${base}-${n}`;
}

/** The text of inline runs without their formatting. */
export function plain(runs: MdInline[]): string {
  return runs.map((r) => "text" in r ? r.text : plain(r.children)).join("");
}

const SAFE_HREF = /^(https?:\/\/|mailto:|#|\/(?!\/))/i;

/** Inline markdown: `code`, **strong**, *emphasis*, [links](href) and backslash escapes. */
export function parseInline(text: string): MdInline[] {
  const out: MdInline[] = [];
  let buf = "";
  const flush = () => {
    if (buf) out.push({ kind: "text", text: buf });
    buf = "";
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\" && /[\\`*_[\]()#|<>!-]/.test(text[i + 1] ?? "")) {
      buf += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === "`") {
      const ticks = /^`+/.exec(text.slice(i))![0];
      const end = text.indexOf(ticks, i + ticks.length);
      if (end > 0) {
        flush();
        const code = text.slice(i + ticks.length, end);
        out.push({ kind: "code", text: code.replace(/^ (.*) $/, "$1") });
        i = end + ticks.length;
        continue;
      }
      buf += ticks;
      i += ticks.length;
      continue;
    }
    if (text.startsWith("**", i)) {
      const end = text.indexOf("**", i + 2);
      if (end > i + 2) {
        flush();
        out.push({
          kind: "strong",
          children: parseInline(text.slice(i + 2, end)),
        });
        i = end + 2;
        continue;
      }
    }
    if (ch === "*" && /\S/.test(text[i + 1] ?? "")) {
      const end = text.indexOf("*", i + 1);
      if (end > i + 1 && /\S/.test(text[end - 1])) {
        flush();
        out.push({ kind: "em", children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (ch === "[") {
      const link = /^\[([^\]]*)\]\(([^()\s]*)\)/.exec(text.slice(i));
      if (link) {
        flush();
        const href = SAFE_HREF.test(link[2]) ? link[2] : null;
        out.push({ kind: "link", href, children: parseInline(link[1]) });
        i += link[0].length;
        continue;
      }
    }
    buf += ch;
    i++;
  }
  flush();
  return out;
}
