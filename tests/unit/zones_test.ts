import assert from "node:assert/strict";
import { createAuditLog } from "../../lib/db/audit.ts";
import { keys } from "../../lib/db/keys.ts";
import { createZones, ZONE_CACHE_MS } from "../../lib/db/zones.ts";
import { parsePolygon } from "../../lib/geo/polygon.ts";
import { openTestStore } from "../helpers/store.ts";

/** A square around the Palace of Westminster, about 1 km a side. */
const WESTMINSTER = parsePolygon(
  "51.5035,-0.1310; 51.5035,-0.1170; 51.4945,-0.1170; 51.4945,-0.1310",
);
/** A box over Taveuni (Fiji), which the antimeridian cuts in two. */
const TAVEUNI = parsePolygon(
  "-16.6,179.8; -16.6,-179.8; -17.0,-179.8; -17.0,179.8",
);
/** An L-shaped zone: its bounding box holds points the polygon does not. */
const ELL = parsePolygon("10,10; 10,12; 11,12; 11,11; 12,11; 12,10");

Deno.test("zones - findZoneAt holds points inside the polygon, on either side of the antimeridian", async () => {
  const store = await openTestStore();
  try {
    const zones = createZones(store, { cacheMs: 0 });
    const west = await zones.addZone("Westminster", WESTMINSTER);
    const fiji = await zones.addZone("Taveuni", TAVEUNI);
    const ell = await zones.addZone("Ell", ELL);
    const at = async (lat: number, lng: number) =>
      (await zones.findZoneAt({ lat, lng }))?.name ?? null;
    assert.equal(await at(51.4995, -0.1245), "Westminster");
    assert.equal(await at(51.5100, -0.1245), null, "north of it");
    assert.equal(await at(51.4995, -0.1100), null, "east of it");
    assert.equal(await at(-16.8, 179.9), "Taveuni");
    assert.equal(await at(-16.8, -179.9), "Taveuni");
    assert.equal(await at(-16.8, 180), "Taveuni");
    assert.equal(await at(-16.8, -180), "Taveuni");
    assert.equal(await at(-16.8, 179.7), null, "west of it");
    assert.equal(await at(-16.8, -179.7), null, "east of it");
    assert.equal(await at(-16.8, 0.1), null, "the other side of the globe");
    assert.equal(await at(10.5, 10.5), "Ell");
    assert.equal(await at(11.5, 10.5), "Ell");
    assert.equal(await at(11.5, 11.5), null, "in its box, not in it");

    assert.deepEqual(fiji.bbox, {
      minLat: -17,
      maxLat: -16.6,
      minLng: 179.8,
      maxLng: 180.2,
    });
    assert.deepEqual(
      (await zones.listZones()).map((z) => z.id),
      [west.id, fiji.id, ell.id],
    );
    assert.deepEqual(await zones.getZone(fiji.id), fiji);
    assert.deepEqual((await zones.removeZone(fiji.id))?.id, fiji.id);
    assert.equal(await zones.removeZone(fiji.id), null);
    assert.equal(await at(-16.8, 179.9), null);
    assert.equal((await store.kv.get(keys.zone(fiji.id))).value, null);
  } finally {
    store.kv.close();
  }
});

Deno.test("zones - another isolate's copy is refreshed after 30 s; fresh reads KV at once", async () => {
  const store = await openTestStore();
  try {
    const operator = createZones(store);
    const server = createZones(store);
    const inside = { lat: 51.4995, lng: -0.1245 };
    assert.equal(await server.findZoneAt(inside), null);
    const zone = await operator.addZone("Westminster", WESTMINSTER);
    assert.equal(await server.findZoneAt(inside), null, "its cached list");
    assert.equal(
      (await server.findZoneAt(inside, { fresh: true }))?.id,
      zone.id,
    );
    store.clock.advance(ZONE_CACHE_MS - 1);
    assert.equal(await server.findZoneAt(inside), null);
    store.clock.advance(1);
    assert.equal((await server.findZoneAt(inside))?.id, zone.id);
    // The instance that changes a zone sees the change at once.
    assert.equal((await operator.findZoneAt(inside))?.id, zone.id);
    await operator.removeZone(zone.id);
    assert.equal(await operator.findZoneAt(inside), null);
  } finally {
    store.kv.close();
  }
});

Deno.test("zones - an audit entry lands in the same commit as the change", async () => {
  const store = await openTestStore();
  try {
    const zones = createZones(store, { cacheMs: 0 });
    const audit = (action: string) => (z: { id: string; name: string }) => ({
      actor: "cli",
      action,
      target: `zone:${z.id}`,
      details: { name: z.name },
    });
    const zone = await zones.addZone("Ell", ELL, audit("zone.add"));
    await zones.removeZone(zone.id, audit("zone.remove"));
    const entries = (await createAuditLog(store).list(10)).items;
    assert.deepEqual(
      entries.map((e) => [e.action, e.target, e.details?.name]),
      [
        ["zone.remove", `zone:${zone.id}`, "Ell"],
        ["zone.add", `zone:${zone.id}`, "Ell"],
      ],
    );
  } finally {
    store.kv.close();
  }
});
