/** One piece of a parsed chat message; every string in it is plain text, never HTML. */
export type Token =
  | { kind: "text"; text: string }
  | { kind: "bold"; children: Token[] }
  | { kind: "italic"; children: Token[] }
  | { kind: "code"; text: string }
  | { kind: "link"; href: string; text: string }
  | { kind: "mention"; handle: string }
  | { kind: "br" };

// One open frame per marker at most, so nesting is at most three deep and every token is
// moved between frames at most three times: parsing stays linear on hostile input.
type Marker = "**" | "*" | "_";
type Frame = { marker: Marker | ""; children: Token[] };

const HANDLE = /[A-Za-z0-9_]{3,32}(?![A-Za-z0-9_])/y;
const WORD = /[A-Za-z0-9_]/;
const ALNUM = /[\p{L}\p{N}]/u;
const SPACE = /\s/;
const SCHEME = /https?:\/\//iy;
const URL_STOP = /[\s<>"'`*\\^{|}\u007f]/;
const URL_TRAILING = ".,;:!?_";
const PLAIN = /[^`*_@hH]+/y;

/** Parses a chat message into tokens for bold, italic, code, http(s) links, @mentions and line breaks. */
export function parseMarkup(text: string): Token[] {
  const out: Token[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, n) => {
    if (n > 0) out.push({ kind: "br" });
    parseLine(line, out);
  });
  return out;
}

function parseLine(line: string, out: Token[]): void {
  const stack: Frame[] = [{ marker: "", children: out }];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    const into = stack[stack.length - 1].children;
    let next = -1;
    if (c === "`") next = codeSpan(line, i, into);
    else if (c === "*" || c === "_") next = emphasis(line, i, stack);
    else if (c === "@") next = mention(line, i, into);
    else if (c === "h" || c === "H") next = link(line, i, into);
    if (next < 0) {
      PLAIN.lastIndex = i + 1;
      next = PLAIN.test(line) ? PLAIN.lastIndex : i + 1;
      push(into, { kind: "text", text: line.slice(i, next) });
    }
    i = next;
  }
  while (stack.length > 1) collapse(stack);
}

function push(into: Token[], token: Token): void {
  const last = into[into.length - 1];
  if (token.kind === "text" && last?.kind === "text") last.text += token.text;
  else into.push(token);
}

function codeSpan(line: string, i: number, into: Token[]): number {
  const end = line.indexOf("`", i + 1);
  if (end <= i + 1) return -1;
  into.push({ kind: "code", text: line.slice(i + 1, end) });
  return end + 1;
}

function mention(line: string, i: number, into: Token[]): number {
  // A word character before "@" means an email address such as ann@example.com.
  if (i > 0 && WORD.test(line[i - 1])) return -1;
  HANDLE.lastIndex = i + 1;
  const m = HANDLE.exec(line);
  if (!m) return -1;
  into.push({ kind: "mention", handle: m[0] });
  return HANDLE.lastIndex;
}

function link(line: string, i: number, into: Token[]): number {
  SCHEME.lastIndex = i;
  if (!SCHEME.test(line)) return -1;
  const hostAt = SCHEME.lastIndex;
  let end = hostAt;
  let parens = 0;
  while (end < line.length && !URL_STOP.test(line[end])) {
    if (line[end] === "(") parens++;
    else if (line[end] === ")") parens--;
    end++;
  }
  // Trailing punctuation ends the sentence, not the URL; a ")" stays when it closes a "(".
  for (; end > hostAt; end--) {
    const c = line[end - 1];
    if (c === ")" && parens < 0) parens++;
    else if (!URL_TRAILING.includes(c)) break;
  }
  const raw = line.slice(i, end);
  const href = end > hostAt ? safeHref(raw) : null;
  push(
    into,
    href ? { kind: "link", href, text: raw } : { kind: "text", text: raw },
  );
  return end;
}

function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    const web = url.protocol === "http:" || url.protocol === "https:";
    // "https://bank.example@evil.example" hides the real host behind fake credentials.
    const userinfo = url.username || url.password;
    return web && url.hostname && !userinfo ? url.href : null;
  } catch {
    return null;
  }
}

function emphasis(line: string, i: number, stack: Frame[]): number {
  const ch = line[i];
  let end = i;
  while (end < line.length && line[end] === ch) end++;
  let units = end - i;
  const before = line[i - 1] ?? " ";
  const after = line[end] ?? " ";
  if (units <= (ch === "*" ? 3 : 1)) {
    // "_" never opens or closes inside a word, so snake_case_names stay literal.
    const strict = ch === "_";
    if (!SPACE.test(before) && !(strict && ALNUM.test(after))) {
      units = close(stack, ch, units);
    }
    if (units > 0 && !SPACE.test(after) && !(strict && ALNUM.test(before))) {
      units = open(stack, ch, units);
    }
  }
  const into = stack[stack.length - 1].children;
  if (units > 0) push(into, { kind: "text", text: ch.repeat(units) });
  return end;
}

function close(stack: Frame[], ch: string, units: number): number {
  while (units > 0) {
    let at = 0;
    for (let k = stack.length - 1; k > 0; k--) {
      const { marker, children } = stack[k];
      if (marker[0] !== ch || marker.length > units || !children.length) {
        continue;
      }
      if (marker.length === units) {
        at = k;
        break;
      }
      if (at === 0) at = k;
    }
    if (at === 0) break;
    while (stack.length - 1 > at) collapse(stack);
    const frame = stack.pop()!;
    const kind = frame.marker === "**" ? "bold" : "italic";
    stack[stack.length - 1].children.push({ kind, children: frame.children });
    units -= frame.marker.length;
  }
  return units;
}

function open(stack: Frame[], ch: string, units: number): number {
  const markers: Marker[] = ch === "_"
    ? ["_"]
    : units === 3
    ? ["**", "*"]
    : [units === 2 ? "**" : "*"];
  if (stack.some((f) => markers.includes(f.marker as Marker))) return units;
  for (const marker of markers) stack.push({ marker, children: [] });
  return 0;
}

/** Turns the innermost unclosed frame back into literal text in its parent. */
function collapse(stack: Frame[]): void {
  const frame = stack.pop()!;
  const into = stack[stack.length - 1].children;
  push(into, { kind: "text", text: frame.marker });
  for (const token of frame.children) push(into, token);
}
