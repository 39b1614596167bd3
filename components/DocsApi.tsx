import SchemaView, { type JsonSchema, schemaAnchor } from "./DocsSchema.tsx";

/** A parameter of an operation in the API document. */
export type ApiParameter = {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
};

type Content = { content?: Record<string, { schema?: JsonSchema }> };

/** An operation of the API document (only what the docs page shows). */
export type ApiOperation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: ApiParameter[];
  requestBody?: Content;
  responses?: Record<string, Content & { description?: string }>;
};

/** The OpenAPI document, as far as the docs page reads it. */
export type ApiDoc = {
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, ApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

const METHODS = ["get", "post", "put", "patch", "delete"];

type Entry = { method: string; path: string; op: ApiOperation };

const jsonOf = (c?: Content) => c?.content?.["application/json"]?.schema;

/** Text with its `code` spans as code elements; never read as HTML. */
function Code({ text }: { text: string }) {
  return (
    <>
      {text.split(/`([^`]+)`/).map((part, i) =>
        i % 2 ? <code key={i}>{part}</code> : part
      )}
    </>
  );
}

/** Paragraphs (split at blank lines) with code spans. */
function Prose({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((para) => (
        <p>
          <Code text={para} />
        </p>
      ))}
    </>
  );
}

/** The document's operations grouped by their first tag, in the document's tag order. */
function groupsOf(doc: ApiDoc) {
  const entries: Entry[] = Object.entries(doc.paths ?? {}).flatMap((
    [path, item],
  ) =>
    METHODS.flatMap((method) =>
      item[method] ? [{ method, path, op: item[method] }] : []
    )
  );
  const byTag = Map.groupBy(entries, (e) => e.op.tags?.[0] ?? "other");
  const known = (doc.tags ?? []).filter((t) => byTag.has(t.name));
  const rest = [...byTag.keys()].filter((t) => !known.some((k) => k.name === t))
    .map((name) => ({ name, description: undefined }));
  return [...known, ...rest].map((t) => ({ ...t, ops: byTag.get(t.name)! }));
}

function Example({ value }: { value: unknown }) {
  if (value === undefined) return null;
  return (
    <details>
      <summary>Example</summary>
      <pre class="docs-code">
        <code>{JSON.stringify(value, null, 2)}</code>
      </pre>
    </details>
  );
}

function Parameters({ params }: { params: ApiParameter[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">In</th>
          <th scope="col">Type</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {params.map((p) => (
          <tr>
            <td>
              <code>{p.name}</code> {p.required
                ? <strong>required</strong>
                : <span class="muted">optional</span>}
            </td>
            <td>{p.in}</td>
            <td>{p.schema && <SchemaView schema={p.schema} />}</td>
            <td>{p.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Operation({ method, path, op }: Entry) {
  const id = op.operationId ?? `${method}-${path}`;
  const body = jsonOf(op.requestBody);
  return (
    <section id={id} class="card docs-op stack">
      <h3>
        <code class="docs-method">{method.toUpperCase()}</code>{" "}
        <code>{path}</code>
      </h3>
      {op.summary && (
        <p class="docs-summary">
          <Code text={op.summary} />
        </p>
      )}
      {op.description && <Prose text={op.description} />}
      <p class="muted">
        <a href={`#${id}`}>
          <code>{id}</code>
        </a>{" "}
        · {op.security?.length ? "needs a session" : "no session needed"}
      </p>
      {op.parameters?.length
        ? (
          <>
            <h4>Parameters</h4>
            <Parameters params={op.parameters} />
          </>
        )
        : null}
      {body && (
        <>
          <h4>Request body (JSON)</h4>
          <SchemaView schema={body} />
          <Example value={body.example} />
        </>
      )}
      <h4>Responses</h4>
      <table>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Meaning</th>
            <th scope="col">Body</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(op.responses ?? {}).map(([status, r]) => {
            const schema = jsonOf(r);
            return (
              <tr>
                <td>
                  <code>{status}</code>
                </td>
                <td>{r.description}</td>
                <td>{schema ? <SchemaView schema={schema} /> : "none"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/**
 * The API reference, rendered on the server from the OpenAPI document: operations grouped by
 * tag, each anchored by its operationId, then the named schemas. Every string is text.
 */
export default function DocsApi({ doc }: { doc: ApiDoc }) {
  const groups = groupsOf(doc);
  const schemas = Object.entries(doc.components?.schemas ?? {});
  return (
    <article class="docs stack">
      <h1>
        {doc.info.title} <span class="muted">{doc.info.version}</span>
      </h1>
      <Prose text={doc.info.description ?? ""} />
      <p>
        Also: <a href="/api/v1/openapi.json">the OpenAPI 3.1 document</a>{" "}
        (JSON) and <a href="/docs/protocol">the WebSocket protocol</a>.
      </p>
      <nav aria-label="Operations" class="card docs-toc">
        {groups.map((g) => (
          <>
            <p>
              <strong>
                <a href={`#tag-${g.name}`}>{g.name}</a>
              </strong>
            </p>
            <ul>
              {g.ops.map(({ method, path, op }) => (
                <li>
                  <a href={`#${op.operationId}`}>
                    <code>{method.toUpperCase()} {path}</code>
                  </a>{" "}
                  <Code text={op.summary ?? ""} />
                </li>
              ))}
            </ul>
          </>
        ))}
        <p>
          <strong>
            <a href="#schemas">Schemas</a>
          </strong>
        </p>
      </nav>
      {groups.map((g) => (
        <section id={`tag-${g.name}`} class="stack">
          <h2>{g.name}</h2>
          {g.description && <Prose text={g.description} />}
          {g.ops.map((e) => <Operation key={e.op.operationId} {...e} />)}
        </section>
      ))}
      <section id="schemas" class="stack">
        <h2>Schemas</h2>
        {schemas.map(([name, s]) => (
          <section id={schemaAnchor(name)} class="card stack">
            <h3>{name}</h3>
            {s.description && <Prose text={s.description} />}
            <SchemaView schema={s} />
            <Example value={s.example} />
          </section>
        ))}
      </section>
    </article>
  );
}
