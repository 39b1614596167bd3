import type { ComponentChildren } from "preact";

/** A JSON Schema node of the API document (only the keywords the docs show). */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  example?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/** The anchor of a named schema on the docs page. */
export const schemaAnchor = (name: string) => `schema-${name}`;

const refName = (ref: string) => ref.split("/").at(-1) ?? ref;
const json = (v: unknown) => JSON.stringify(v);

/** Bounds and formats of a schema in a few words: "1–80 chars", "≥ 50", "date-time". */
function limits(s: JsonSchema): string[] {
  const out: string[] = [];
  if (s.format) out.push(s.format);
  const range = (lo?: number, hi?: number, unit = "") =>
    lo !== undefined && hi !== undefined
      ? `${lo}–${hi}${unit}`
      : lo !== undefined
      ? `≥ ${lo}${unit}`
      : hi !== undefined
      ? `≤ ${hi}${unit}`
      : "";
  out.push(range(s.minimum ?? s.exclusiveMinimum, s.maximum));
  out.push(range(s.minLength, s.maxLength, " chars"));
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} items`);
  if (s.pattern) out.push(`pattern ${s.pattern}`);
  if (s.enum) out.push(`one of ${s.enum.map(json).join(", ")}`);
  if (s.const !== undefined) out.push(`always ${json(s.const)}`);
  if (s.default !== undefined) out.push(`default ${json(s.default)}`);
  return out.filter(Boolean);
}

/** A schema's type in one line: a link for a named schema, "array of …", "string or null". */
export function TypeLabel(
  { schema }: { schema: JsonSchema },
): ComponentChildren {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return <a href={`#${schemaAnchor(name)}`}>{name}</a>;
  }
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) {
    return alts.map((a, i) => (
      <>
        {i > 0 && " or "}
        <TypeLabel schema={a} />
      </>
    ));
  }
  if (schema.allOf) {
    return schema.allOf.map((a, i) => (
      <>
        {i > 0 && " and "}
        <TypeLabel schema={a} />
      </>
    ));
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.filter(Boolean).map((t, i) => (
    <>
      {i > 0 && " or "}
      {t === "array" && schema.items
        ? (
          <>
            array of <TypeLabel schema={schema.items} />
          </>
        )
        : t}
    </>
  ));
}

/**
 * A schema as nested lists: its type and limits, and for an object each property with its
 * own; named schemas are links, so the page stays finite however schemas nest.
 */
export default function SchemaView(
  { schema, depth = 0 }: { schema: JsonSchema; depth?: number },
) {
  const notes = limits(schema);
  // An array of inline objects lists the objects' fields.
  const holder = schema.properties
    ? schema
    : schema.items?.properties
    ? schema.items
    : null;
  const required = new Set(holder?.required ?? []);
  return (
    <div class="docs-schema">
      <span class="docs-type">
        <TypeLabel schema={schema} />
      </span>
      {notes.length > 0 && <span class="muted">({notes.join("; ")})</span>}
      {holder?.properties && depth < 4 && (
        <ul>
          {Object.entries(holder.properties).map(([name, p]) => (
            <li>
              <code>{name}</code> {required.has(name)
                ? <strong>required</strong>
                : <span class="muted">optional</span>}{" "}
              <SchemaView schema={p} depth={depth + 1} />
              {p.description && <span>{p.description}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
