import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Where the island bundles go, relative to the repository root (git-ignored). */
export const ISLAND_BUILD_DIR = "static/build";

/** An island is a PascalCase .tsx file directly under islands/; other files are its helpers. */
const ISLAND_FILE = /^([A-Z][A-Za-z0-9]*)\.tsx$/;

/** Names of every island under islands/, sorted. */
export async function listIslands(root = ROOT): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(join(root, "islands"))) {
    const match = entry.isFile ? ISLAND_FILE.exec(entry.name) : null;
    if (match) names.push(match[1]);
  }
  return names.sort();
}

/** The generated entry for one island: import it and its props schema, then hydrate. */
function entrySource(name: string, entryDir: string, root: string): string {
  const rel = (p: string) => relative(entryDir, join(root, p));
  return [
    `import Island from "${rel(`islands/${name}.tsx`)}";`,
    `import { hydrateIslands } from "${rel("lib/shared/hydrate.ts")}";`,
    `import { ${name}PropsSchema } from "${
      rel("lib/shared/island_props.ts")
    }";`,
    `hydrateIslands("${name}", Island, ${name}PropsSchema);`,
    "",
  ].join("\n");
}

async function bundle(
  entry: string,
  out: string,
  minify: boolean,
  root: string,
) {
  const args = ["bundle", "--platform", "browser", "--quiet"];
  if (minify) args.push("--minify");
  args.push("-o", out, entry);
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(
      `deno bundle failed for ${basename(entry)}:\n${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
}

/**
 * Bundles every island for the browser into `outDir` (default static/build) as `<Name>.js`
 * and returns the absolute paths of the files written.
 */
export async function buildIslands(
  opts: { outDir?: string; minify?: boolean } = {},
): Promise<{ files: string[] }> {
  const root = ROOT;
  const outDir = resolve(root, opts.outDir ?? ISLAND_BUILD_DIR);
  const entryDir = join(root, ".build", "entries");
  await Deno.mkdir(entryDir, { recursive: true });
  await Deno.mkdir(outDir, { recursive: true });
  const names = await listIslands(root);
  const one = async (name: string) => {
    const entry = join(entryDir, `${name}.ts`);
    await Deno.writeTextFile(entry, entrySource(name, entryDir, root));
    const out = join(outDir, `${name}.js`);
    await bundle(entry, out, opts.minify ?? true, root);
    return out;
  };
  // On a fresh cache the first `deno bundle` installs esbuild; parallel first runs race on
  // that copy and fail ("failed to copy esbuild binary"), so one goes first, alone.
  const [first, ...rest] = names;
  const files = first ? [await one(first)] : [];
  files.push(...await Promise.all(rest.map(one)));
  return { files };
}
