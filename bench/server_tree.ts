/**
 * Servers from a commit rather than the working tree: the tree is exported with `git archive`
 * into a temp dir and started by that tree's own test helper, so it runs exactly as
 * tests/helpers/server.ts runs the working tree's server, with cwd = that tree.
 */
import type { startServer } from "../tests/helpers/server.ts";

/** The commit before the room event log: the fan-out baseline. */
export const BASELINE_COMMIT = "4d9a982";

const REPO = new URL("../", import.meta.url).pathname;

async function git(args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-C", REPO, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${text(out.stderr)}`);
  }
  return text(out.stdout);
}

/** A commit's tree in a temp dir, with that tree's server starter; `remove` deletes it. */
export type ServerTree = {
  commit: string;
  start: typeof startServer;
  remove(): Promise<void>;
};

/** Exports `rev` to a temp dir and loads its server helper. */
export async function exportTree(rev: string): Promise<ServerTree> {
  const commit = await git(["rev-parse", "--short", `${rev}^{commit}`]);
  const dir = await Deno.makeTempDir({ prefix: `vicinity-${commit}-` });
  const remove = () => Deno.remove(dir, { recursive: true });
  try {
    await git(["archive", "-o", `${dir}/src.tar`, commit]);
    const tar = await new Deno.Command("tar", {
      args: ["-xf", `${dir}/src.tar`, "-C", dir],
    }).output();
    if (!tar.success) throw new Error(`tar -xf failed for ${commit}`);
    await Deno.remove(`${dir}/src.tar`);
    // The helper finds main.ts through its own import.meta.url, so it starts this tree.
    const helper = new URL(`file://${dir}/tests/helpers/server.ts`).href;
    const mod = await import(helper) as { startServer: typeof startServer };
    return { commit, start: mod.startServer, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** The working tree's HEAD, marked when tracked files outside bench/ differ from it. */
export async function workingTreeCommit(): Promise<string> {
  const head = await git(["rev-parse", "--short", "HEAD"]);
  const dirty = await git(["status", "--porcelain", "--untracked-files=no"]);
  // `git` trims its output, so the first line may have lost its leading space.
  const outside = dirty.split("\n").some((l) =>
    l && !/^\s*\S{1,2}\s+bench\//.test(l)
  );
  return outside ? `${head}+uncommitted` : head;
}
