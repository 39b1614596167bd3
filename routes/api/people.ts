import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppEnv } from "../../lib/http/env.ts";
import { validationHook } from "../../lib/http/errors.ts";
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  QueryNumber,
  SESSION_SECURITY,
} from "../../lib/http/openapi.ts";
import { noStore, requireUser } from "../../lib/http/session.ts";
import {
  NearbyPersonViewSchema,
  PEOPLE_SEARCH_MAX_M,
  VisibilityInputSchema,
  VisibilityViewSchema,
} from "../../lib/shared/people_schemas.ts";
import { LatSchema, LngSchema } from "../../lib/shared/schemas.ts";

const NearbyQuery = z.object({
  lat: QueryNumber.pipe(LatSchema),
  lng: QueryNumber.pipe(LngSchema),
  radius: z.coerce.number().int().min(1).max(PEOPLE_SEARCH_MAX_M).default(
    2_000,
  ),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const auth = { tags: ["people"], security: SESSION_SECURITY };

const putVisibility = createRoute({
  ...auth,
  method: "put",
  path: "/me/visibility",
  summary:
    "Show me to people nearby for `minutes`: only the centre of my 1 km grid cell is stored, never the fix",
  request: { body: jsonBody(VisibilityInputSchema) },
  responses: {
    200: jsonResponse(VisibilityViewSchema, "Visible until expiresAt"),
    ...errorResponses(400, 401, 403, 413, 415, 429),
  },
});

const getVisibility = createRoute({
  ...auth,
  method: "get",
  path: "/me/visibility",
  summary: "My current visibility to people nearby, or null",
  responses: {
    200: jsonResponse(VisibilityViewSchema.nullable(), "Visibility or null"),
    ...errorResponses(401),
  },
});

const deleteVisibility = createRoute({
  ...auth,
  method: "delete",
  path: "/me/visibility",
  summary: "Hide me from people nearby at once",
  responses: {
    204: { description: "Hidden" },
    ...errorResponses(401, 403, 429),
  },
});

const nearby = createRoute({
  ...auth,
  method: "get",
  path: "/people/nearby",
  summary:
    "Visible people near a point, by distance bucket then handle; the point is used for this search only. `radius` is rounded up to a bucket bound (200, 500, 1,000, 2,000, 5,000 or 10,000 m)",
  request: { query: NearbyQuery },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(NearbyPersonViewSchema) }),
      "People: a distance bucket each, never a coordinate",
    ),
    ...errorResponses(400, 401, 429),
  },
});

/** /api/v1/me/visibility and /api/v1/people/nearby: opt-in "people nearby". */
export const peopleRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: validationHook,
})
  .openapi(putVisibility, async (c) => {
    const view = await c.var.services.people.setVisibility(
      requireUser(c),
      c.req.valid("json"),
    );
    noStore(c);
    return c.json(view, 200);
  })
  .openapi(getVisibility, async (c) => {
    const view = await c.var.services.people.getVisibility(requireUser(c));
    noStore(c);
    return c.json(view, 200);
  })
  .openapi(deleteVisibility, async (c) => {
    await c.var.services.people.hide(requireUser(c));
    return c.body(null, 204);
  })
  .openapi(nearby, async (c) => {
    const q = c.req.valid("query");
    const items = await c.var.services.people.listNearby(requireUser(c), {
      lat: q.lat,
      lng: q.lng,
      radiusM: q.radius,
      limit: q.limit,
    });
    noStore(c);
    return c.json({ items }, 200);
  });
