import { type ComponentType, h, hydrate } from "preact";
import type { z } from "zod";

/** The outcome of reading one island's props: validated props, or why they were refused. */
export type ParsedIslandProps<T> =
  | { ok: true; props: T }
  | { ok: false; error: string };

/** Parses an island's props JSON and validates it with its schema; never throws. */
export function parseIslandProps<T>(
  text: string,
  schema: z.ZodType<T>,
): ParsedIslandProps<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `props are not JSON: ${String(err)}` };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, props: result.data };
  const issues = result.error.issues.map((i) =>
    `${i.path.join(".") || "(root)"}: ${i.message}`
  );
  return { ok: false, error: issues.join("; ") };
}

/**
 * Hydrates every marker of one island on the page and returns how many it hydrated; a marker
 * whose props are missing or fail validation keeps its server-rendered markup.
 */
export function hydrateIslands<T>(
  name: string,
  Component: ComponentType<T>,
  schema: z.ZodType<T>,
  root: ParentNode = document,
): number {
  let count = 0;
  const markers = root.querySelectorAll<HTMLElement>(
    `[data-island="${CSS.escape(name)}"]`,
  );
  for (const marker of markers) {
    const id = marker.dataset.islandId ?? "";
    const script = root.querySelector(
      `script[data-island-props="${CSS.escape(id)}"]`,
    );
    const parsed = script
      ? parseIslandProps(script.textContent ?? "", schema)
      : { ok: false as const, error: "props script not found" };
    if (!parsed.ok) {
      // The browser console is the only place a client-side refusal can be reported.
      console.error(`island ${name}#${id} not hydrated: ${parsed.error}`);
      continue;
    }
    hydrate(
      h(Component as ComponentType<object>, parsed.props as object),
      marker,
    );
    count++;
  }
  return count;
}
