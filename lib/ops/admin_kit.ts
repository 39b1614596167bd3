import * as z from "zod";

// A small kit for `deno task admin`: zod-validated commands and the scans they page through.

/** A command bound to its validated arguments, waiting for what it runs against. */
export type Bound<C, R> = (ctx: C) => Promise<R>;

/** One CLI command: its positional argument names and how to validate all its arguments. */
export type Command<C, R> = {
  positional: string[];
  prepare(
    raw: Record<string, string>,
  ): { run: Bound<C, R> } | { error: string };
};

/** A parsed command line, ready to run; or why the arguments are wrong. */
export type Invocation<C, R> =
  | { name: string; run: Bound<C, R>; json: boolean }
  | { error: string };

/**
 * A command whose positional words and `--options` are validated together by one strict
 * zod object, so an unknown option is an error too. Messages name `<word>` or `--option`.
 */
export function command<C, R, S extends z.ZodRawShape>(
  positional: (keyof S & string)[],
  shape: S,
  run: (ctx: C, args: z.output<z.ZodObject<S>>) => Promise<R>,
): Command<C, R> {
  const schema = z.strictObject(shape);
  const label = (k: PropertyKey) =>
    (positional as PropertyKey[]).includes(k)
      ? `<${String(k)}>`
      : `--${String(k)}`;
  return {
    positional,
    prepare(raw) {
      const p = schema.safeParse(raw);
      if (p.success) return { run: (ctx) => run(ctx, p.data) };
      const lines = p.error.issues.map((i) =>
        i.code === "unrecognized_keys"
          ? `unknown option ${i.keys.map(label).join(", ")}`
          : `${label(i.path[0] ?? "")}: ${i.message}`
      );
      return { error: lines.join("\n") };
    },
  };
}

/** Splits argv into words and `--name value` / `--name=value` options; `--json` takes no value. */
function split(
  argv: string[],
):
  | { words: string[]; options: Record<string, string>; json: boolean }
  | { error: string } {
  const words: string[] = [];
  const options: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/s.exec(argv[i]);
    if (!m) {
      if (/^-[a-z-]/i.test(argv[i])) {
        return { error: `unknown option ${argv[i]}` };
      }
      words.push(argv[i]);
    } else if (m[1] === "json" && m[2] === undefined) json = true;
    else if (m[2] !== undefined) options[m[1]] = m[2];
    // A following option is not a value: `--reason --json` forgot the reason.
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
      options[m[1]] = argv[++i];
    } else return { error: `--${m[1]} needs a value` };
  }
  return { words, options, json };
}

/**
 * Finds the command named by the first one or two words (`users ban`, `stats`), then
 * validates the rest of the words and the options against it.
 */
export function parseCommandLine<C, R>(
  argv: string[],
  commands: Record<string, Command<C, R>>,
): Invocation<C, R> {
  const parts = split(argv);
  if ("error" in parts) return { error: parts.error };
  const { words, options, json } = parts;
  const name = [words.slice(0, 2).join(" "), words[0] ?? ""]
    .find((n) => Object.hasOwn(commands, n));
  if (!name) {
    const said = words.join(" ");
    return { error: said ? `unknown command "${said}"` : "no command given" };
  }
  const cmd = commands[name];
  const given = words.slice(name.split(" ").length);
  if (given.length !== cmd.positional.length) {
    const want = cmd.positional.map((p) => `<${p}>`).join(" ") || "nothing";
    return { error: `${name} takes ${want} (got "${given.join(" ")}")` };
  }
  const raw = { ...options };
  cmd.positional.forEach((p, i) => raw[p] = given[i]);
  const prepared = cmd.prepare(raw);
  if ("error" in prepared) return { error: `${name}: ${prepared.error}` };
  return { name, run: prepared.run, json };
}

/**
 * A string argument read by `parse`, whose thrown message becomes the argument's error
 * (so `--polygon "1,2"` exits 2 saying what is wrong with it).
 */
export function parsedBy<T>(parse: (text: string) => T) {
  return z.string().transform((text, ctx): T => {
    try {
      return parse(text);
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        message: err instanceof Error ? err.message : String(err),
      });
      return z.NEVER;
    }
  });
}

/** Epoch milliseconds as ISO-8601, keeping null (and absent) as null. */
export const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** One `name: value` line per field, for people. */
export const describe = (o: Record<string, unknown>): string =>
  Object.entries(o).map(([k, v]) => `${k}: ${v ?? "-"}`).join("\n");

/** The hint under a page that has more after it. */
export const more = (cursor: string | null): string =>
  cursor ? `\nMore: --cursor ${cursor}` : "";

/** One newest-first page of the values under a prefix, with the cursor of the next. */
export async function scanPage<T>(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  limit: number,
  cursor?: string,
): Promise<{ items: T[]; cursor: string | null }> {
  const iter = kv.list<T>({ prefix }, { limit, cursor, reverse: true });
  const items: T[] = [];
  for await (const e of iter) items.push(e.value);
  return { items, cursor: items.length < limit ? null : iter.cursor };
}

/** How many entries a prefix holds (a full scan), showing each value to `each`. */
export async function countEntries<T>(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  each: (v: T) => void = () => {},
): Promise<number> {
  let n = 0;
  for await (const e of kv.list<T>({ prefix })) {
    n++;
    each(e.value);
  }
  return n;
}
