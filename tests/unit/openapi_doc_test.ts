import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import assert from "node:assert/strict";
import * as z from "zod";
import {
  deriveOperationId,
  finishDocument,
  jsonResponse,
  type OpenApiDocument,
  operationsOf,
  registerNamedSchemas,
} from "../../lib/http/openapi.ts";
import {
  API_NOTES,
  buildApiDocument,
  createApiRoutes,
} from "../../routes/api/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const api = createApiRoutes();
const doc = buildApiDocument(api);
const ops = operationsOf(doc);
/** The document as the generator alone makes it, before finishDocument completes it. */
const raw = api.getOpenAPI31Document({
  openapi: "3.1.0",
  info: { title: "raw", version: "0" },
});
const routes = api.openAPIRegistry.definitions.flatMap((d) =>
  d.type === "route" ? [d.route] : []
);

/** Every schema node under a value, with the property name it sits under (if any). */
function* nodes(v: unknown, name = ""): Generator<[string, Json]> {
  if (Array.isArray(v)) {
    for (const x of v) yield* nodes(x, name);
    return;
  }
  if (typeof v !== "object" || v === null) return;
  const s = v as Json;
  yield [name, s];
  for (const [k, p] of Object.entries(s.properties ?? {})) yield* nodes(p, k);
  for (
    const k of ["items", "additionalProperties", "allOf", "anyOf", "oneOf"]
  ) {
    yield* nodes(s[k]);
  }
}

/** The response and component schemas of a document: what the server writes. */
function written(d: OpenApiDocument): unknown[] {
  const responses = operationsOf(d).flatMap(({ op }) =>
    Object.values(op.responses ?? {}).flatMap((r: Json) =>
      Object.values(r.content ?? {}).map((m) => (m as Json).schema)
    )
  );
  return [...responses, ...Object.values(d.components?.schemas ?? {})];
}

const TIMESTAMP = /^(at|until)$|[a-z](At|Until)$/;
const isString = (s: Json) =>
  s.type === "string" || (Array.isArray(s.type) && s.type.includes("string"));

Deno.test("openapi document - every operation has a unique camelCase operationId, a summary and a description", () => {
  assert.ok(ops.length >= 80, `only ${ops.length} operations`);
  const seen = new Map<string, string>();
  for (const { method, path, op } of ops) {
    const where = `${method.toUpperCase()} ${path}`;
    assert.match(op.operationId ?? "", /^[a-z][A-Za-z0-9]*$/, where);
    assert.ok(
      !seen.has(op.operationId!),
      `${op.operationId} names both ${seen.get(op.operationId!)} and ${where}`,
    );
    seen.set(op.operationId!, where);
    assert.ok(op.summary?.trim(), `${where} has no summary`);
    assert.ok(op.description?.trim(), `${where} has no description`);
    assert.ok(op.tags?.length, `${where} has no tag`);
  }
  assert.equal(seen.get("listNearbyRooms"), "GET /rooms/nearby");
  assert.equal(seen.get("sendMessage"), "POST /rooms/{id}/messages");
  assert.equal(seen.get("listRoomMembers"), "GET /rooms/{id}/members");
});

Deno.test("openapi document - every override names an operation that exists", () => {
  const keys = new Set(ops.map(({ method, path }) => `${method} ${path}`));
  for (const key of Object.keys(API_NOTES.operationIds)) {
    assert.ok(keys.has(key), `override for ${key}, which the API lacks`);
  }
  const ids = new Set(ops.map(({ op }) => op.operationId));
  for (const id of Object.keys(API_NOTES.descriptions)) {
    assert.ok(ids.has(id), `description for ${id}, which no operation has`);
  }
});

Deno.test("openapi document - ids are derived from method and path, and a derived repeat is told apart", () => {
  assert.equal(
    deriveOperationId("get", "/rooms/{id}/members"),
    "listRoomMembers",
  );
  assert.equal(deriveOperationId("post", "/rooms"), "createRoom");
  assert.equal(deriveOperationId("get", "/rooms/{id}"), "getRoom");
  assert.equal(deriveOperationId("post", "/rooms/{id}/join"), "joinRoom");
  assert.equal(
    deriveOperationId("delete", "/me/sessions/{id}"),
    "deleteMySession",
  );
  assert.equal(
    deriveOperationId("delete", "/rooms/{id}/members/{userId}/mute"),
    "unmuteRoomMember",
  );
  assert.equal(
    deriveOperationId("put", "/rooms/{id}/slow-mode"),
    "setRoomSlowMode",
  );
  const op = (extra: Json = {}) => ({ summary: "s", responses: {}, ...extra });
  const synthetic = {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      "/inbox": { get: op() },
      "/inbox/{id}": { get: op() },
      "/things": { get: op({ operationId: "mine" }) },
    },
  } as OpenApiDocument;
  const out = operationsOf(
    finishDocument(synthetic, { ...API_NOTES, operationIds: {} }),
  );
  assert.deepEqual(out.map(({ op }) => op.operationId), [
    "getInbox",
    "getInboxById",
    "mine",
  ]);
});

Deno.test("openapi document - the shared views are components, used by $ref", () => {
  const schemas = doc.components?.schemas ?? {};
  for (
    const name of [
      "Error",
      "UserView",
      "RoomView",
      "NearbyRoomView",
      "MessageView",
      "InboxItem",
      "NotificationView",
      "SessionView",
    ]
  ) {
    assert.ok(schemas[name], `no component ${name}`);
  }
  const text = JSON.stringify(doc.paths);
  const all = JSON.stringify(doc);
  for (const name of Object.keys(schemas)) {
    const ref = `"#/components/schemas/${name}"`;
    assert.ok(all.includes(ref), `component ${name} is never referenced`);
  }
  const json = (status: string, path: string, method = "get") =>
    (doc.paths![path] as Json)[method].responses[status].content[
      "application/json"
    ].schema;
  assert.deepEqual(json("200", "/rooms/{id}"), {
    $ref: "#/components/schemas/RoomView",
  });
  assert.deepEqual(json("404", "/rooms/{id}"), {
    $ref: "#/components/schemas/Error",
  });
  assert.deepEqual(json("200", "/inbox/{id}"), {
    $ref: "#/components/schemas/InboxItem",
  });
  assert.ok(text.includes('"#/components/schemas/MessageView"'));
  // A nullable use is "the component or null", not a nullable component.
  assert.deepEqual(json("200", "/me/visibility"), {
    anyOf: [{ $ref: "#/components/schemas/VisibilityView" }, { type: "null" }],
  });
  assert.equal((schemas.VisibilityView as Json).type, "object");
  // Each component is as nullable as its schema, whichever use came first.
  for (const [id, schema] of z.globalRegistry._idmap) {
    const component = schemas[id] as Json | undefined;
    if (!component) continue;
    const types = [component.type].flat();
    assert.equal(
      types.includes("null"),
      (schema as z.ZodType).safeParse(null).success,
      `${id} is ${types.join("|")}`,
    );
  }
});

Deno.test("openapi document - a named schema whose first use is nullable stays a plain component", () => {
  const Thing = z.object({ a: z.string() }).meta({ id: "TestOnlyThing" });
  try {
    const app = new OpenAPIHono();
    app.openapi(
      createRoute({
        method: "get",
        path: "/thing",
        responses: {
          200: jsonResponse(Thing.nullable(), "The thing or null"),
          201: jsonResponse(Thing, "The thing"),
        },
      }),
      (c) => c.json({ a: "x" }, 201),
    );
    registerNamedSchemas(app);
    const out = finishDocument(
      app.getOpenAPI31Document({ openapi: "3.1.0", info: doc.info }),
      API_NOTES,
    );
    const thing = out.components?.schemas?.TestOnlyThing as Json;
    assert.equal(thing.type, "object");
    const responses = (out.paths!["/thing"] as Json).get.responses;
    assert.deepEqual(responses[200].content["application/json"].schema, {
      anyOf: [{ $ref: "#/components/schemas/TestOnlyThing" }, {
        type: "null",
      }],
    });
    assert.deepEqual(responses[201].content["application/json"].schema, {
      $ref: "#/components/schemas/TestOnlyThing",
    });
  } finally {
    z.globalRegistry.remove(Thing);
  }
});

Deno.test("openapi document - every example is valid, and the main bodies have one", () => {
  let checked = 0;
  for (const [id, schema] of z.globalRegistry._idmap) {
    const example = z.globalRegistry.get(schema)?.example;
    if (example === undefined) continue;
    const r = (schema as z.ZodType).safeParse(example);
    assert.ok(r.success, `example of ${id}: ${r.error?.message}`);
    checked++;
  }
  for (const route of routes) {
    const body = (route.request?.body?.content?.["application/json"] as Json)
      ?.schema;
    const example = body && z.globalRegistry.get(body as z.ZodType)?.example;
    if (example === undefined) continue;
    const r = (body as z.ZodType).safeParse(example);
    assert.ok(r.success, `example of ${route.path}: ${r.error?.message}`);
    checked++;
  }
  assert.ok(checked >= 10, `only ${checked} examples`);
  const components = doc.components?.schemas as Json;
  for (
    const name of ["Error", "UserView", "RoomView", "MessageView", "InboxItem"]
  ) {
    assert.ok(components[name].example, `${name} has no example`);
  }
  const body = (path: string, method = "post") =>
    (doc.paths![path] as Json)[method].requestBody.content["application/json"]
      .schema;
  for (
    const [path, method] of [
      ["/auth/register", "post"],
      ["/auth/login", "post"],
      ["/rooms", "post"],
      ["/rooms/{id}/join", "post"],
      ["/rooms/{id}/messages", "post"],
      ["/rooms/{id}/messages/{seq}", "patch"],
    ]
  ) {
    assert.ok(
      body(path, method).example,
      `${method} ${path} body has no example`,
    );
  }
});

Deno.test("openapi document - timestamps carry format date-time", () => {
  const timestamps = (d: OpenApiDocument, schemas: unknown[]) => {
    const found: string[] = [];
    for (const [name, s] of nodes(schemas)) {
      if (!TIMESTAMP.test(name) || !isString(s)) continue;
      found.push(name);
      assert.equal(s.format, "date-time", `${name} in ${d.info.title}`);
    }
    return found;
  };
  const all = timestamps(doc, written(doc));
  for (
    const name of ["createdAt", "lastMessageAt", "editedAt", "leaseUntil", "at"]
  ) {
    assert.ok(all.includes(name), `no ${name} found`);
  }
  // The shared views carry the format themselves, not only through the document's backstop.
  timestamps(raw, Object.values(raw.components?.schemas ?? {}));
  const room = (raw.components?.schemas as Json).RoomView.properties;
  assert.deepEqual(room.expiresAt, {
    type: ["string", "null"],
    format: "date-time",
  });
});

Deno.test("openapi document - a query parameter is required exactly when leaving it out is refused", () => {
  let checked = 0;
  for (const route of routes) {
    const query = route.request?.query as z.ZodObject | undefined;
    if (!query) continue;
    const op = (doc.paths![route.path] as Json)[route.method];
    for (const [name, schema] of Object.entries(query.shape)) {
      const param = op.parameters.find((p: Json) =>
        p.name === name && p.in === "query"
      );
      assert.ok(param, `${route.path} ?${name} is not in the document`);
      const optional = (schema as z.ZodType).safeParse(undefined).success;
      assert.equal(
        param.required === true,
        !optional,
        `${route.method} ${route.path} ?${name}: required ${param.required}`,
      );
      checked++;
    }
  }
  assert.ok(checked >= 20, `only ${checked} query parameters`);
  const nearby = (doc.paths!["/rooms/nearby"] as Json).get.parameters;
  const req = Object.fromEntries(
    nearby.map((p: Json) => [p.name, p.required]),
  );
  assert.deepEqual(req, { lat: true, lng: true, radius: false, limit: false });
});
