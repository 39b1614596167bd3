import { ErrorBodySchema } from "../../lib/shared/errors.ts";
import { MAX_BODY_BYTES } from "../../routes/api/mod.ts";

/** A JSON Schema node from the OpenAPI document (only the keywords the fuzzer reads). */
// deno-lint-ignore no-explicit-any
export type Schema = Record<string, any>;

/** One operation of the OpenAPI document. */
export type Operation = {
  method: string;
  path: string;
  params: {
    name: string;
    in: "path" | "query";
    required: boolean;
    schema: Schema;
  }[];
  body: Schema | null;
  /** Status → whether the document says that response is JSON. */
  responses: Map<number, boolean>;
};

/** Every way a case can authenticate, resolved to headers when it is sent. */
export const AUTH_KINDS = [
  "bearer",
  "none",
  "bad-bearer",
  "empty-bearer",
  "huge-bearer",
  "lowercase-bearer",
  "basic",
  "cookie",
  "cookie-cross-origin",
  "basic-cookie-cross-origin",
  "bad-bearer-good-cookie",
  "garbage-cookie",
] as const;
/** How a request authenticates. */
export type AuthKind = typeof AUTH_KINDS[number];

/** A request body: text or bytes, or a stream factory (sent chunked, with no length). */
export type FuzzBody =
  | string
  | Uint8Array<ArrayBuffer>
  | (() => ReadableStream<Uint8Array<ArrayBuffer>>);

/** One fuzz request, fully decided before anything is sent, so a seed replays it. */
export type FuzzCase = {
  /** "METHOD /template" of the operation, or of the path a wrong method was sent to. */
  op: string;
  /** What was broken, e.g. `body.lat=maximum+1`. */
  label: string;
  method: string;
  /** Path and query after /api/v1, already URL-encoded. */
  url: string;
  auth: AuthKind;
  headers: Record<string, string>;
  body?: FuzzBody;
  /** The operation when `op` is one the document describes (not a wrong method). */
  operation?: Operation;
};

/** Lists the document's operations, with `$ref`s resolved. */
export function operationsOf(doc: Schema): Operation[] {
  const resolve = (s: Schema | undefined): Schema => {
    let out = s ?? {};
    for (let i = 0; out.$ref && i < 10; i++) {
      const parts = String(out.$ref).replace(/^#\//, "").split("/");
      out = parts.reduce((o: Schema, k) => o?.[k], doc) ?? {};
    }
    return out;
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, raw] of Object.entries(item as Schema)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const op = raw as Schema;
      const params = (op.parameters ?? []).map(resolve)
        .filter((p: Schema) => p.in === "path" || p.in === "query")
        .map((p: Schema) => ({
          name: p.name,
          in: p.in,
          required: p.required === true,
          schema: resolve(p.schema),
        }));
      const content = resolve(op.requestBody).content?.["application/json"];
      const responses = new Map<number, boolean>();
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        responses.set(
          Number(status),
          Boolean(resolve(r as Schema).content?.["application/json"]),
        );
      }
      ops.push({
        method: method.toUpperCase(),
        path,
        params,
        body: content ? resolve(content.schema) : null,
        responses,
      });
    }
  }
  return ops;
}

/** The JSON types a schema allows, unions and nullables included. */
export function typesOf(s: Schema): string[] {
  if (s.const !== undefined) return [typeof s.const];
  if (s.enum) return [...new Set(s.enum.map((v: unknown) => typeof v))] as [];
  if (Array.isArray(s.type)) return s.type;
  if (s.type) return [s.type];
  const alts = s.anyOf ?? s.oneOf ?? s.allOf;
  return alts ? alts.flatMap(typesOf) : ["string"];
}

/** A value of raw JSON text, for what JSON.stringify cannot write (1e400, -0, 1.0). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A value made anew for every case that uses it, such as an idempotency key. */
export class Fresh {
  constructor(readonly make: () => unknown) {}
}

/** Serialises a body object whose top-level values may be RawJson or Fresh. */
export function bodyText(obj: Record<string, unknown>): string {
  const parts = Object.entries(obj).map(([k, v]) =>
    `${JSON.stringify(k)}:${
      v instanceof RawJson
        ? v.text
        : JSON.stringify(v instanceof Fresh ? v.make() : v)
    }`
  );
  return `{${parts.join(",")}}`;
}

/** A labelled value to put where a schema's value goes. */
export type Variant = { label: string; value: unknown };

const variants = (pairs: [string, unknown][]): Variant[] =>
  pairs.map(([label, value]) => ({ label, value }));

const PAST = "2001-01-01T00:00:00Z";
/** Date-time strings at and past the edges of what a parser or KV's expireIn takes. */
const DATE_TIMES = [
  PAST,
  "1970-01-01T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59.999Z",
  "2099-02-30T00:00:00Z",
  "2099-13-01T00:00:00Z",
  "2099-12-31T23:59:60Z",
  "2099-01-01T00:00:00+23:59",
  "2099-01-01T00:00:00",
  "2099-01-01",
  "+275760-09-13T00:00:00.000Z",
  "not a date",
];

/** Strings that break length limits, patterns, encodings and naive escaping. */
export function stringVariants(s: Schema, valid: string): Variant[] {
  const out: Variant[] = [];
  const len = (label: string, n: number) => {
    if (n >= 0) out.push({ label, value: "a".repeat(n) });
  };
  if (s.minLength !== undefined) {
    len("minLength-1", s.minLength - 1);
    len("minLength", s.minLength);
  }
  if (s.maxLength !== undefined) {
    len("maxLength", s.maxLength);
    len("maxLength+1", s.maxLength + 1);
    out.push(...variants([
      ["maxLength+padding", ` ${"b".repeat(s.maxLength)} `],
      ["maxLength/2 emoji", "😀".repeat(Math.ceil(s.maxLength / 2))],
      ["maxLength+1 emoji", "😀".repeat(s.maxLength + 1)],
    ]));
  }
  if (s.pattern) {
    out.push(...variants([
      ["pattern:lowercase", valid.toLowerCase()],
      ["pattern:+!", `${valid}!`],
      ["pattern:newline", `${valid}\n`],
      ["pattern:short", valid.slice(1)],
    ]));
  }
  if (s.enum) {
    out.push(...variants([
      ["enum:upper", String(s.enum[0]).toUpperCase()],
      ["enum:padded", ` ${s.enum[0]} `],
      ["enum:other", "__proto__"],
    ]));
  }
  if (s.format === "date-time") {
    for (const d of DATE_TIMES) out.push({ label: `date:${d}`, value: d });
  }
  out.push(...variants([
    ["empty", ""],
    ["blank", " \t\n "],
    ["nul", "a\u0000b"],
    ["lone surrogate", "a\ud800b"],
    ["bidi+zero-width", "\u202eabc\u200b"],
    ["combining", "e\u0301".repeat(40)],
    ["markup", "<script>alert(1)</script>@x #y [l](javascript:1)"],
    ["traversal", "../../etc/passwd"],
    ["markup soup", "*_~`[]()@#>".repeat(360)],
    ["deep emphasis", `${"*_".repeat(1_000)}x${"_*".repeat(1_000)}`],
    ["open links", "[x](".repeat(1_000)],
    ["bare mentions", "@a ".repeat(1_300)],
    ["huge", "x".repeat(60_000)],
  ]));
  return out;
}

/** Numbers at, past and far beyond a schema's bounds, plus the non-finite spellings. */
export function numberVariants(s: Schema): Variant[] {
  const out: Variant[] = [];
  const min = s.minimum ?? s.exclusiveMinimum;
  const max = s.maximum ?? s.exclusiveMaximum;
  if (typeof min === "number") {
    out.push(...variants([
      ["minimum-1", min - 1],
      ["minimum", min],
      ["minimum-0.001", min - 0.001],
    ]));
  }
  if (typeof max === "number") {
    out.push(...variants([
      ["maximum", max],
      ["maximum+1", max + 1],
      ["maximum+0.001", max + 0.001],
    ]));
  }
  out.push(...variants([
    ["zero", 0],
    ["-1", -1],
    ["1.5", 1.5],
    ["2^31", 2 ** 31],
    ["2^53-1", 2 ** 53 - 1],
    ["2^53", 2 ** 53],
    ["-2^53", -(2 ** 53)],
    ["MAX_VALUE", Number.MAX_VALUE],
    ["MIN_VALUE", Number.MIN_VALUE],
    ...["1e400", "-1e400", "-0", "1.0", "9007199254740993", "NaN"].map((
      t,
    ): [string, unknown] => [`raw ${t}`, new RawJson(t)]),
    ["string NaN", "NaN"],
    ["string Infinity", "Infinity"],
    ["string 1", "1"],
  ]));
  return out;
}

/** Values of the wrong JSON type for a schema. */
export function wrongTypeVariants(s: Schema): Variant[] {
  const types = typesOf(s);
  const all: [string, unknown][] = [
    ["null", null],
    ["string", "1"],
    ["number", 1],
    ["boolean", true],
    ["array", ["1"]],
    ["object", { a: 1 }],
  ];
  const out = all.filter(([t]) =>
    !types.includes(t) && !(t === "number" && types.includes("integer"))
  ).map(([t, value]) => ({ label: `type:${t}`, value }));
  out.push({ label: "deep array", value: nested(2_000) });
  return out;
}

/** An array nested `depth` deep. */
export function nested(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** All bad and boundary values for one body field. */
export function fieldVariants(s: Schema, valid: unknown): Variant[] {
  const types = typesOf(s);
  const out = wrongTypeVariants(s);
  if (types.includes("string")) {
    out.push(...stringVariants(s, String(valid ?? "")));
  }
  if (types.includes("number") || types.includes("integer")) {
    out.push(...numberVariants(s));
  }
  if (types.includes("boolean")) {
    out.push(...variants([["string true", "true"], ["0", 0]]));
  }
  return out;
}

/** Path and query values, as text: boundaries, non-numbers, encodings, traversal, size. */
export function paramVariants(s: Schema, valid: string): Variant[] {
  const out: Variant[] = [];
  const num = typesOf(s).some((t) => t === "number" || t === "integer");
  if (num) {
    for (const v of numberVariants(s)) {
      const text = v.value instanceof RawJson ? v.value.text : String(v.value);
      out.push({ label: v.label, value: text });
    }
    for (
      const t of ["0x10", "1e3", " 1", "+1", "0001", "１", "١", "-0", "1_000"]
    ) out.push({ label: `num:${t}`, value: t });
    out.push({ label: "digits x1000", value: "9".repeat(1_000) });
  } else {
    for (const v of stringVariants(s, valid)) {
      if (typeof v.value === "string" && v.value.length <= 10_000) {
        out.push(v);
      }
    }
  }
  for (const t of ["null", "undefined", "true", "[]", "{}", "__proto__"]) {
    out.push({ label: `text:${t}`, value: t });
  }
  out.push(...variants([
    ["empty", ""],
    ["blank", " "],
    ["huge", "A".repeat(8_000)],
    ["unicode", "ü😀\u202e"],
    ["slash", "a/b"],
    ["dotdot", ".."],
    ["dotdot-slash", "../"],
  ]));
  return out;
}

/** Percent-encodings that are broken or decode to separators, inserted into URLs as is. */
export const RAW_URL_TEXT = [
  "%",
  "%zz",
  "%00",
  "%E0%A4%A",
  "%C0%AE",
  "%FF",
  "%2F",
  "%2e%2e",
  "%252e",
  "%0d%0aX-Injected:%201",
];

/** The problems with one answer to a case, or none. */
export function judge(
  c: FuzzCase,
  status: number,
  type: string,
  text: string,
  path: string,
): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`status ${status}`);
  if (status >= 300 && status < 400) problems.push(`redirect ${status}`);
  const api = path.startsWith("/api/");
  const body = c.method === "HEAD" ? null : text;
  if (status >= 400 && api) {
    if (!/^application\/json\b/i.test(type)) {
      problems.push(`4xx content-type "${type}"`);
    } else if (body !== null) {
      const parsed = parseJson(body);
      if (!parsed.ok) problems.push("4xx body is not JSON");
      else if (!ErrorBodySchema.safeParse(parsed.value).success) {
        problems.push("4xx body is not the error shape");
      }
    }
  }
  if (status >= 200 && status < 300 && c.operation?.responses.get(status)) {
    if (!/^application\/json\b/i.test(type)) {
      problems.push(`2xx content-type "${type}"`);
    } else if (body !== null && !parseJson(body).ok) {
      problems.push("2xx body is not JSON");
    }
  }
  return problems;
}

function parseJson(text: string): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A schema-valid value: its const, default or first enum member, else one inside its bounds. */
export function validValue(s: Schema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  const type = typesOf(s).find((t) => t !== "null") ?? "string";
  if (type === "number" || type === "integer") {
    const lo = s.minimum ?? (s.exclusiveMinimum ?? 0) + 1;
    return Math.min(lo, s.maximum ?? lo);
  }
  if (type === "boolean") return false;
  if (type === "array") return [];
  if (type === "object") {
    return Object.fromEntries(
      Object.entries(s.properties ?? {}).map((
        [k, p],
      ) => [k, validValue(p as Schema)]),
    );
  }
  if (s.format === "date-time") {
    return new Date(Date.now() + 86_400_000).toISOString();
  }
  const n = Math.max(s.minLength ?? 1, 3);
  const candidates = ["fuzz_1", "a".repeat(n), "01ARZ3NDEKTSV4RRFFQ69G5FAV"];
  const re = s.pattern ? new RegExp(s.pattern, "u") : null;
  return candidates.find((c) => !re || re.test(c)) ?? "a";
}

/** Valid values the server's own data supplies, and other meaningful ones, by name. */
export type Fixtures = {
  /** A valid value for a parameter or field, OMIT to leave it out, undefined for the schema's. */
  valid(op: Operation, name: string, where: "path" | "query" | "body"): unknown;
  /** Other values worth trying for a name: another room, a missing id, someone else's message. */
  alternates(name: string): Variant[];
};

/** Returned by Fixtures.valid to leave an optional parameter or field out of the baseline. */
export const OMIT = Symbol("omit");

/** A request under construction: URL-ready path values and query pairs, body, auth. */
type Req = {
  path: Record<string, string>;
  query: [string, string | null][];
  body?: FuzzBody;
  contentType: string | null;
  headers?: Record<string, string>;
  auth: AuthKind;
};

/** encodeURIComponent that writes a lone surrogate as its (invalid) UTF-8 bytes, not throw. */
function enc(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += c < 0xd800 || c > 0xdfff ? encodeURIComponent(ch) : [
      0xe0 | (c >> 12),
      0x80 | ((c >> 6) & 0x3f),
      0x80 | (c & 0x3f),
    ].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
  }
  return out;
}
const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (s: string) => utf8(s).length;

/** `text`, a JSON object, with `entry` (`"key":value`) added first. */
const prepend = (text: string, entry: string) =>
  `{${entry}${text.length > 2 ? "," : ""}${text.slice(1)}`;

/** `text`, a JSON object, with `entry` (`"key":value`) added last. */
const append = (text: string, entry: string) =>
  `${text.slice(0, -1)}${text.length > 2 ? "," : ""}${entry}}`;

/** `text`, a JSON object, with a filler field added so it is exactly `size` bytes. */
function padded(text: string, size: number): string {
  const filler = size - bytes(append(text, '"pad":""'));
  return append(text, `"pad":"${"p".repeat(Math.max(0, filler))}"`);
}

/** The structural bodies sent to operations that take none. */
const UNWANTED_BODIES = [
  "body:open brace",
  "body:array",
  "body:deep array",
  "body:max size+1",
  "body:chunked 100 KiB",
  "body:form encoded",
  "content-type:text/plain",
];

/** Bodies that are not what the schema wants as a whole: syntax, type, depth, size, media type. */
function structuralBodies(
  base: Record<string, unknown>,
): [string, Partial<Req>][] {
  const text = bodyText(base);
  const first = Object.keys(base)[0] ?? "x";
  const stream = (size: number) => () =>
    new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(ctrl) {
        for (let sent = 0; sent < size; sent += 8192) {
          ctrl.enqueue(new TextEncoder().encode(" ".repeat(8192)));
        }
        ctrl.enqueue(new TextEncoder().encode(text));
        ctrl.close();
      },
    });
  const raw: [string, string][] = [
    ["empty", ""],
    ["open brace", "{"],
    ["truncated", text.slice(0, -1)],
    ["single quotes", text.replaceAll('"', "'")],
    ["unquoted key", "{a:1}"],
    ["trailing comma", `${text.slice(0, -1)},}`],
    ["trailing garbage", `${text}garbage`],
    ["two documents", `${text}${text}`],
    ["bom", `\ufeff${text}`],
    ["NaN literal", '{"x":NaN}'],
    ["null", "null"],
    ["array", `[${text}]`],
    ["number", "1"],
    ["string", '"s"'],
    ["true", "true"],
    ["raw 1e400", "1e400"],
    ["deep array", `${"[".repeat(30_000)}${"]".repeat(30_000)}`],
    ["deep object", `${'{"a":'.repeat(9_000)}1${"}".repeat(9_000)}`],
    ["duplicate key", append(text, `"${first}":{"a":[1]}`)],
    ["extra field", bodyText({ ...base, extra: "x" })],
    ["__proto__", prepend(text, '"__proto__":1')],
    ["__proto__ object", prepend(text, '"__proto__":{"admin":true}')],
    [
      "constructor",
      bodyText({ ...base, constructor: { prototype: { a: 1 } } }),
    ],
    [
      "500 extra keys",
      bodyText({
        ...base,
        ...Object.fromEntries(
          Array.from({ length: 500 }, (_, i) => [`k${i}`, i]),
        ),
      }),
    ],
    ["max size", padded(text, MAX_BODY_BYTES)],
    ["max size+1", padded(text, MAX_BODY_BYTES + 1)],
    ["1 MiB", padded(text, 1 << 20)],
  ];
  const out: [string, Partial<Req>][] = raw.map((
    [l, body],
  ) => [`body:${l}`, { body }]);
  out.push(
    ["body:absent", { body: undefined, contentType: null }],
    ["body:invalid utf-8", {
      body: new Uint8Array([...utf8('{"a":"'), 0xff, 0xfe, ...utf8('"}')]),
    }],
    ["body:chunked small", { body: stream(0) }],
    ["body:chunked 100 KiB", { body: stream(100_000) }],
    ["body:gzip claimed", {
      body: text,
      headers: { "content-encoding": "gzip" },
    }],
    ["body:form encoded", {
      body: "a=1&b=2",
      contentType: "application/x-www-form-urlencoded",
    }],
  );
  for (
    const type of [
      null,
      "",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data",
      "multipart/form-data; boundary=x",
      "application/json; charset=utf-16",
      "APPLICATION/JSON",
      "application/merge-patch+json",
      "application/json;;",
      "*/*",
    ]
  ) out.push([`content-type:${type}`, { body: text, contentType: type }]);
  return out;
}

/** A random string of mixed ASCII, controls, BMP, astral and lone-surrogate code units. */
export function randomString(rng: () => number): string {
  const n = Math.floor(rng() ** 2 * 300);
  let s = "";
  for (let i = 0; i < n; i++) {
    const r = rng();
    const code = r < 0.6
      ? 0x20 + Math.floor(rng() * 0x5f)
      : r < 0.7
      ? Math.floor(rng() * 0x20)
      : r < 0.85
      ? Math.floor(rng() * 0xd800)
      : r < 0.95
      ? 0x10000 + Math.floor(rng() * 0xfffff)
      : 0xd800 + Math.floor(rng() * 0x800);
    s += code > 0xffff ? String.fromCodePoint(code) : String.fromCharCode(code);
  }
  return s;
}

/** A random JSON-safe number: tiny, huge, negative, fractional or integral. */
export function randomNumber(rng: () => number): number {
  const magnitude = 10 ** Math.floor(rng() * 40 - 10);
  const n = (rng() * 2 - 1) * magnitude;
  return rng() < 0.5 ? Math.trunc(n) : n;
}

const pick = <T>(rng: () => number, xs: readonly T[]): T =>
  xs[Math.floor(rng() * xs.length)];

const sample = (v: unknown) => v instanceof Fresh ? v.make() : v;

/** The baseline request of an operation: every value valid, authenticated by bearer. */
function baselineOf(op: Operation, fx: Fixtures) {
  const path: Record<string, string> = {};
  const query: [string, string | null][] = [];
  for (const p of op.params) {
    const v = fx.valid(op, p.name, p.in);
    if (v === OMIT) continue;
    const value = v ??
      (p.in === "path" || p.required ? validValue(p.schema) : undefined);
    if (value === undefined) continue;
    if (p.in === "path") path[p.name] = enc(String(value));
    else query.push([p.name, enc(String(value))]);
  }
  const body: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(op.body?.properties ?? {})) {
    const v = fx.valid(op, k, "body");
    if (v !== OMIT) body[k] = v ?? validValue(s as Schema);
  }
  return { path, query, body };
}

/**
 * Every case for one operation: each auth kind, then one thing broken at a time in the path,
 * the query and the body (the rest valid), then `randomCount` seeded cases breaking several.
 */
export function casesFor(
  op: Operation,
  fx: Fixtures,
  rng: () => number,
  randomCount: number,
): FuzzCase[] {
  const base = baselineOf(op, fx);
  const baseReq: Req = {
    path: base.path,
    query: base.query,
    body: op.body ? bodyText(base.body) : undefined,
    contentType: op.body ? "application/json" : null,
    auth: "bearer",
  };
  const cases: FuzzCase[] = [];
  const add = (label: string, change: Partial<Req>) =>
    cases.push(toCase(op, label, { ...baseReq, ...change }));
  for (const auth of AUTH_KINDS) add(`auth:${auth}`, { auth });
  const pools = new Map<string, Variant[]>();
  for (const p of op.params) {
    const valid = String(fx.valid(op, p.name, p.in) ?? validValue(p.schema));
    const pool = [...fx.alternates(p.name), ...paramVariants(p.schema, valid)]
      .map((v) => ({ label: v.label, value: enc(String(v.value)) }))
      .concat(RAW_URL_TEXT.map((t) => ({ label: `raw:${t}`, value: t })));
    pools.set(p.name, pool);
    const others = base.query.filter(([k]) => k !== p.name);
    for (const v of pool) {
      const label = `${p.in}.${p.name}=${v.label}`;
      if (p.in === "path") {
        add(label, { path: { ...base.path, [p.name]: v.value } });
      } else add(label, { query: [...others, [p.name, v.value as string]] });
    }
    if (p.in === "query") {
      add(`query.${p.name}:absent`, { query: others });
      add(`query.${p.name}:no value`, { query: [...others, [p.name, null]] });
      add(`query.${p.name}:twice`, {
        query: [...others, [p.name, enc(valid)], [p.name, "2"]],
      });
      add(`query.${p.name}:brackets`, {
        query: [...others, [`${p.name}[]`, enc(valid)]],
      });
    }
  }
  if (op.params.some((p) => p.in === "query") || op.method === "GET") {
    add("query:unknown keys", {
      query: [...base.query, ["__proto__", "1"], ["constructor", "x"], [
        "toString",
        "1",
      ]],
    });
    add("query:300 keys", {
      query: [
        ...base.query,
        ...Array.from(
          { length: 300 },
          (_, i): [string, string] => [`q${i}`, "1"],
        ),
      ],
    });
  }
  const bodyPools = new Map<string, Variant[]>();
  if (op.method !== "GET") {
    for (const [label, change] of structuralBodies(base.body)) {
      // An operation without a body still reads none: a few unwanted ones are enough.
      if (op.body) add(label, change);
      else if (UNWANTED_BODIES.includes(label)) {
        add(label, { contentType: "application/json", ...change });
      }
    }
  }
  for (const [k, s] of Object.entries(op.body?.properties ?? {})) {
    const pool = [
      ...fx.alternates(k),
      ...fieldVariants(s as Schema, sample(base.body[k])),
    ];
    bodyPools.set(k, pool);
    const { [k]: _, ...without } = base.body;
    add(`body.${k}:absent`, { body: bodyText(without) });
    for (const v of pool) {
      add(`body.${k}=${v.label}`, {
        body: bodyText({ ...base.body, [k]: v.value }),
      });
    }
  }
  for (let i = 0; i < randomCount; i++) {
    cases.push(randomCase(op, baseReq, base.body, pools, bodyPools, rng, i));
  }
  return cases;
}

/** A case breaking several things at once, chosen by the seeded PRNG. */
function randomCase(
  op: Operation,
  baseReq: Req,
  baseBody: Record<string, unknown>,
  pools: Map<string, Variant[]>,
  bodyPools: Map<string, Variant[]>,
  rng: () => number,
  i: number,
): FuzzCase {
  const changed: string[] = [];
  const auth = rng() < 0.2 ? pick(rng, AUTH_KINDS) : "bearer";
  const path = { ...baseReq.path };
  const query = new Map(baseReq.query);
  for (const p of op.params) {
    if (rng() >= 0.35) continue;
    const v = rng() < 0.3
      ? { label: "random", value: enc(randomString(rng)) }
      : pick(rng, pools.get(p.name)!);
    changed.push(`${p.name}=${v.label}`);
    if (p.in === "path") path[p.name] = v.value as string;
    else query.set(p.name, v.value as string);
  }
  const body = { ...baseBody };
  for (const [k, pool] of bodyPools) {
    if (rng() >= 0.35) continue;
    const r = rng();
    const v = r < 0.2
      ? { label: "random string", value: randomString(rng) }
      : r < 0.35
      ? { label: "random number", value: randomNumber(rng) }
      : r < 0.45
      ? { label: "absent", value: undefined }
      : pick(rng, pool);
    changed.push(`${k}=${v.label}`);
    if (v.value === undefined) delete body[k];
    else body[k] = v.value;
  }
  return toCase(op, `random#${i} auth:${auth} ${changed.join(" ")}`, {
    ...baseReq,
    auth,
    path,
    query: [...query],
    body: op.body ? bodyText(body) : undefined,
  });
}

function toCase(op: Operation, label: string, req: Req): FuzzCase {
  const path = op.path.replace(/\{(\w+)\}/g, (_, n) => req.path[n] ?? "");
  const query = req.query.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join(
    "&",
  );
  const headers: Record<string, string> = { ...req.headers };
  if (req.contentType !== null && req.body !== undefined) {
    headers["content-type"] = req.contentType;
  }
  return {
    op: `${op.method} ${op.path}`,
    label,
    method: op.method,
    url: query ? `${path}?${query}` : path,
    auth: req.auth,
    headers,
    body: op.method === "GET" ? undefined : req.body,
    operation: op,
  };
}
