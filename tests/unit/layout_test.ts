import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

/** Which top-level areas each area may import (relative imports only; npm specifiers are free). */
const ALLOWED: Record<string, string[]> = {
  "lib/shared": ["lib/shared"],
  "lib/config.ts": [],
  "lib/log.ts": [],
  "lib/geo": ["lib/geo"],
  "lib/auth": ["lib/auth", "lib/shared"],
  "lib/db": ["lib/db", "lib/shared", "lib/geo", "lib/auth"],
  "lib/services": [
    "lib/services",
    "lib/db",
    "lib/shared",
    "lib/geo",
    "lib/auth",
  ],
  "lib/chat": [
    "lib/chat",
    "lib/services",
    "lib/db",
    "lib/shared",
    "lib/log.ts",
    "lib/http",
  ],
  "lib/ops": [
    "lib/ops",
    "lib/services",
    "lib/db",
    "lib/shared",
    "lib/geo",
    "lib/auth",
    "lib/log.ts",
  ],
  "lib/http": ["lib", "components"],
  "components": ["components", "lib/shared"],
  "islands": ["islands", "components", "lib/shared"],
  "routes": ["routes", "components", "islands", "lib"],
  "cli.ts": ["lib"],
  "main.ts": ["lib"],
};

/** createApp is the one place lib/ reaches up: it mounts the route modules. */
const EXCEPTIONS = new Set(["lib/http/app.ts -> routes"]);

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(new URL(dir, ROOT))) {
    const path = `${dir}/${e.name}`.replace(/^\.\//, "");
    if (e.isDirectory) yield* sourceFiles(path);
    else if (/\.(ts|tsx)$/.test(e.name)) yield path;
  }
}

function areaOf(path: string): string | null {
  const keys = Object.keys(ALLOWED).sort((a, b) => b.length - a.length);
  return keys.find((k) => path === k || path.startsWith(k + "/")) ?? null;
}

function importsOf(source: string): string[] {
  const found = source.matchAll(
    /(?:import|export)[^"']*?from\s*["'](\.[^"']+)["']/g,
  );
  return [...found].map((m) => m[1]);
}

Deno.test("layout - no module imports against the dependency direction", async () => {
  const violations: string[] = [];
  const roots = ["lib", "components", "islands", "routes"];
  const files = [
    ...(await Promise.all(roots.map((r) => Array.fromAsync(sourceFiles(r)))))
      .flat(),
  ];
  files.push("cli.ts", "main.ts");
  for (const file of files) {
    const area = areaOf(file);
    assert.ok(area, `${file} belongs to no known area; add it to ALLOWED`);
    for (
      const spec of importsOf(await Deno.readTextFile(new URL(file, ROOT)))
    ) {
      const target = new URL(spec, new URL(file, ROOT)).pathname.slice(
        ROOT.pathname.length,
      );
      const ok = ALLOWED[area].some((a) =>
        target === a || target.startsWith(a + "/")
      );
      const top = target.split("/")[0];
      if (!ok && !EXCEPTIONS.has(`${file} -> ${top}`)) {
        violations.push(`${file} -> ${target}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("layout - the import scanner sees relative imports", () => {
  const seen = importsOf(
    `import { a } from "../x.ts";\nexport { b } from "./y.ts";\nimport "npm:z";`,
  );
  assert.deepEqual(seen, ["../x.ts", "./y.ts"]);
});
