import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { ErrorBodySchema } from "../shared/errors.ts";

const ERROR_TEXT: Record<number, string> = {
  400: "Malformed JSON or failed validation",
  401: "No valid session",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  410: "Gone: an event room that has ended is read-only",
  413: "Body too large",
  415: "Body is not JSON",
  422: "Not acceptable as given",
  429: "Rate limited",
};

/** The error body, named `Error` in the document (the same schema, with its metadata). */
export const ErrorSchema = ErrorBodySchema.meta({
  id: "Error",
  description:
    "The one error shape: a stable machine-readable `code`, a human `message`, and sometimes `details` (the failed fields of a 400, `retryAfterS` of a 429).",
  example: {
    error: {
      code: "invalid_request",
      message: "Request is not valid",
      details: [{
        path: "radiusM",
        message: "Too small: expected number to be >=50",
      }],
    },
  },
});

/** A required JSON request body for a route definition. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { "application/json": { schema } }, required: true };
}

/** A JSON response entry for a route definition. */
export function jsonResponse<T extends z.ZodType>(
  schema: T,
  description: string,
) {
  return { content: { "application/json": { schema } }, description };
}

/** Response entries for the error statuses a route can answer, all in the one error shape. */
export function errorResponses(...statuses: (keyof typeof ERROR_TEXT)[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, jsonResponse(ErrorSchema, ERROR_TEXT[s])]),
  ) as Record<number, ReturnType<typeof jsonResponse<typeof ErrorSchema>>>;
}

/** The security requirement of routes that need a session. */
export const SESSION_SECURITY: Record<string, string[]>[] = [{ bearer: [] }, {
  cookie: [],
}];

/** A number in a query string: an empty or blank value is refused, never read as 0. */
export const QueryNumber = z.string().trim().min(1, "must be a number").pipe(
  z.coerce.number(),
);

/** The OpenAPI 3.1 document as @hono/zod-openapi generates it. */
export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
/** What the document's generator is given: info, servers. */
export type DocumentConfig = Parameters<OpenAPIHono["getOpenAPI31Document"]>[0];
type PathItem = NonNullable<OpenApiDocument["paths"]>[string];
/** One operation of the document. */
export type OperationObject = NonNullable<PathItem["get"]>;
type Node = Record<string, unknown>;

/** The HTTP methods an OpenAPI path item can hold, in the order docs list them. */
export const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/**
 * Makes every schema given an `id` with zod's `.meta()` a component, generated before any
 * route: otherwise the first use decides its shape, and a `.nullable()` use would make the
 * component itself nullable. A clone (which inherits the metadata) is registered, because
 * `register` needs the `.openapi()` method that schemas made before @hono/zod-openapi loaded
 * lack.
 */
export function registerNamedSchemas(
  api: Pick<OpenAPIHono, "openAPIRegistry">,
) {
  for (const [id, schema] of z.globalRegistry._idmap) {
    api.openAPIRegistry.register(id, (schema as z.ZodType).clone());
  }
}

const VERB: Record<string, string> = {
  get: "get",
  post: "create",
  put: "set",
  patch: "update",
  delete: "delete",
};
/** Last path words that name what is done, not a thing: POST /rooms/{id}/join is joinRoom. */
const ACTIONS = new Set(
  "register login logout join leave peek confirm checkin accept decline read read-all kick admit resolve dismiss report mute delete revoke-others"
    .split(" "),
);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const camel = (s: string) =>
  s.split(/[-_]/).map((w, i) => i ? cap(w) : w).join("");
const singular = (w: string) =>
  w.endsWith("ss") ? w : w.replace(/ies$/, "y").replace(/s$/, "");
const nouns = (words: string[]) => words.map((w) => cap(camel(w))).join("");

/**
 * A camelCase operationId from the method and path template, for operations the override
 * table leaves out: GET /rooms/{id}/members → listRoomMembers, POST /rooms → createRoom,
 * POST /rooms/{id}/join → joinRoom, DELETE …/mute → unmuteRoomMember.
 */
export function deriveOperationId(method: string, path: string): string {
  const segments = path.split("/").filter(Boolean);
  const endsInParam = segments.at(-1)?.startsWith("{") ?? false;
  const words = segments.filter((s) => !s.startsWith("{"))
    .map((s) => s === "me" ? "my" : s);
  const last = words.at(-1) ?? "";
  if (!endsInParam && method !== "get" && ACTIONS.has(last)) {
    const action = camel(last);
    const verb = method === "delete" ? `un${action}` : action;
    return verb + nouns(words.slice(0, -1).map(singular));
  }
  const list = method === "get" && !endsInParam && /[^s]s$/.test(last);
  // A collection keeps its plural when listed; one of it (a POST, an {id}) is singular.
  const keepLast = list || (!endsInParam && method !== "post");
  const named = words.map((w, i) =>
    i === words.length - 1 && keepLast ? w : singular(w)
  );
  return (list ? "list" : VERB[method] ?? method) + nouns(named);
}

/** What finishDocument adds to the generated document. */
export type DocNotes = {
  /** `"get /rooms/nearby"` → operationId, where the derived one reads badly. */
  operationIds: Record<string, string>;
  /** operationId → the operation's longer description. */
  descriptions: Record<string, string>;
  /** Parameter name → its description, for parameters that have none. */
  parameters: Record<string, string>;
  /** Tags in the order docs show them, with what each covers. */
  tags: { name: string; description: string }[];
  /** The description of an operation that has none of its own nor in `descriptions`. */
  describe(op: OperationObject): string;
};

/** Every operation of a document with its method and path, in document order. */
export function operationsOf(doc: OpenApiDocument) {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      return op ? [{ method, path, op }] : [];
    })
  );
}

/** A name of a string property that holds an instant: createdAt, leaseUntil, at, until. */
const TIMESTAMP = /^(at|until)$|[a-z](At|Until)$/;
const isNode = (v: unknown): v is Node =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (s: Node) =>
  s.type === "string" || (Array.isArray(s.type) && s.type.includes("string"));

/**
 * Walks a JSON Schema, fixing what the generator gets wrong or leaves out: a nullable use of
 * a component comes out as `allOf: [$ref, {type: [object, null]}]` (which null fails), and
 * timestamp properties declared in route files as plain strings lack `format: date-time`.
 */
function tidySchema(s: unknown, timestamps: boolean) {
  if (Array.isArray(s)) return s.forEach((x) => tidySchema(x, timestamps));
  if (!isNode(s)) return;
  const all = s.allOf;
  if (
    Array.isArray(all) && all.length === 2 && isNode(all[0]) &&
    typeof all[0].$ref === "string" && isNode(all[1]) &&
    Object.keys(all[1]).length === 1 && Array.isArray(all[1].type) &&
    all[1].type.includes("null")
  ) {
    delete s.allOf;
    s.anyOf = [all[0], { type: "null" }];
  }
  if (isNode(s.properties)) {
    for (const [name, p] of Object.entries(s.properties)) {
      if (timestamps && TIMESTAMP.test(name) && isNode(p) && isString(p)) {
        p.format ??= "date-time";
      }
    }
  }
  for (const key of ["properties", "patternProperties"]) {
    if (isNode(s[key])) tidySchema(Object.values(s[key]), timestamps);
  }
  for (const key of ["items", "additionalProperties", "not"]) {
    tidySchema(s[key], timestamps);
  }
  for (const key of ["allOf", "anyOf", "oneOf", "prefixItems"]) {
    tidySchema(s[key], timestamps);
  }
}

/** The schemas of a request body or response map's JSON contents. */
function contentSchemas(entries: unknown[]): unknown[] {
  return entries.flatMap((e) =>
    isNode(e) && isNode(e.content)
      ? Object.values(e.content).map((m) => isNode(m) ? m.schema : undefined)
      : []
  );
}

/**
 * Completes a generated document in place, so that no route file has to: an operationId on
 * every operation (overridden, else derived; a derived one that repeats another gets its
 * parameters appended), a description, parameter descriptions, the tag list, and tidy
 * schemas.
 */
export function finishDocument(
  doc: OpenApiDocument,
  notes: DocNotes,
): OpenApiDocument {
  const ops = operationsOf(doc);
  const used = new Set<string>();
  for (const { method, path, op } of ops) {
    op.operationId ??= notes.operationIds[`${method} ${path}`];
    if (op.operationId) used.add(op.operationId);
  }
  for (const { method, path, op } of ops) {
    if (op.operationId) continue;
    let id = deriveOperationId(method, path);
    if (used.has(id)) {
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => cap(m[1]));
      id += params.length ? `By${params.join("And")}` : cap(method);
    }
    used.add(op.operationId = id);
  }
  for (const { op } of ops) {
    op.description ??= notes.descriptions[op.operationId!] ??
      notes.describe(op);
    for (const p of op.parameters ?? []) {
      if (isNode(p) && typeof p.name === "string" && !p.description) {
        const text = notes.parameters[p.name];
        if (text) p.description = text;
      }
    }
    tidySchema(contentSchemas(Object.values(op.responses ?? {})), true);
    tidySchema(contentSchemas([op.requestBody]), false);
  }
  tidySchema(Object.values(doc.components?.schemas ?? {}), true);
  const usedTags = new Set(ops.flatMap(({ op }) => op.tags ?? []));
  doc.tags = [
    ...notes.tags.filter((t) => usedTags.has(t.name)),
    ...[...usedTags].filter((t) => !notes.tags.some((n) => n.name === t))
      .map((name) => ({ name })),
  ];
  return doc;
}
