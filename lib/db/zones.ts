import type { LatLng } from "../geo/distance.ts";
import { bbox, contains, type Polygon } from "../geo/polygon.ts";
import { type AuditInput, stageAuditEntry } from "./audit.ts";
import { keys } from "./keys.ts";
import { retryCommit, type Store } from "./store.ts";

/** A polygon's bounding box; unwrapped longitudes may pass ±180 across the antimeridian. */
export type BBox = ReturnType<typeof bbox>;

/** An exclusion zone: no room may be created or joined inside its polygon. */
export type Zone = {
  id: string;
  name: string;
  polygon: Polygon;
  bbox: BBox;
  createdAt: number;
};

/** The audit entry of a zone change, built once the zone is known; lands in the same commit. */
export type ZoneAudit = (zone: Zone) => AuditInput;

/** How long one isolate trusts its copy of the zone list, in milliseconds. */
export const ZONE_CACHE_MS = 30_000;

/** Whether a point lies in a box, trying its longitude in each turn of the globe. */
function inBox(b: BBox, p: LatLng): boolean {
  if (p.lat < b.minLat || p.lat > b.maxLat) return false;
  return [-360, 0, 360].some((k) =>
    p.lng + k >= b.minLng && p.lng + k <= b.maxLng
  );
}

/** The first of `zones` holding the point: its bounding box first, then its polygon. */
export function zoneContaining(zones: Zone[], point: LatLng): Zone | null {
  const holds = (z: Zone) => inBox(z.bbox, point) && contains(z.polygon, point);
  return zones.find(holds) ?? null;
}

/**
 * The exclusion zones repository. `findZoneAt` reads a per-instance copy of the list that
 * is refreshed every `cacheMs` (0: always read KV), so a zone added elsewhere takes effect
 * in every isolate within that time; this instance's own changes take effect at once.
 */
export function createZones(
  { kv, clock, newId }: Store,
  opts: { cacheMs?: number } = {},
) {
  const cacheMs = opts.cacheMs ?? ZONE_CACHE_MS;
  let cached: { at: number; zones: Promise<Zone[]> } | null = null;

  async function listZones(): Promise<Zone[]> {
    const zones: Zone[] = [];
    for await (const e of kv.list<Zone>({ prefix: keys.zonesPrefix() })) {
      zones.push(e.value);
    }
    return zones;
  }

  function current(): Promise<Zone[]> {
    const now = clock.now();
    if (!cached || now - cached.at >= cacheMs) {
      const zones = listZones();
      cached = { at: now, zones };
      // A failed read is not kept: the next call tries again.
      zones.catch(() => {
        if (cached?.zones === zones) cached = null;
      });
    }
    return cached.zones;
  }

  return {
    /** Every zone, oldest first, read from KV (never the cache). */
    listZones,

    /** Stores a new zone with its bounding box (and its audit entry, in one commit). */
    async addZone(
      name: string,
      polygon: Polygon,
      audit?: ZoneAudit,
    ): Promise<Zone> {
      const zone: Zone = {
        id: newId(),
        name,
        polygon,
        bbox: bbox(polygon),
        createdAt: clock.now(),
      };
      const key = keys.zone(zone.id);
      const ok = await retryCommit("zones", async () => {
        const op = kv.atomic().check({ key, versionstamp: null });
        op.set(key, zone);
        if (audit) stageAuditEntry(op, audit(zone), newId(), zone.createdAt);
        return (await op.commit()).ok;
      });
      if (!ok) throw new Error("zone id collision");
      cached = null;
      return zone;
    },

    /** A zone by id, or null. */
    async getZone(id: string): Promise<Zone | null> {
      return (await kv.get<Zone>(keys.zone(id))).value;
    },

    /** Removes a zone (and audits it, in one commit); answers it, or null when there was none. */
    async removeZone(id: string, audit?: ZoneAudit): Promise<Zone | null> {
      const removed = await retryCommit("zones", async () => {
        const e = await kv.get<Zone>(keys.zone(id));
        if (!e.value) return { zone: null };
        const op = kv.atomic().check(e).delete(keys.zone(id));
        if (audit) stageAuditEntry(op, audit(e.value), newId(), clock.now());
        return (await op.commit()).ok ? { zone: e.value } : null;
      });
      cached = null;
      return removed.zone;
    },

    /**
     * The first zone holding the point (bounding box first, then the polygon), or null.
     * `fresh` reads KV instead of this isolate's copy.
     */
    async findZoneAt(
      point: LatLng,
      opts: { fresh?: boolean } = {},
    ): Promise<Zone | null> {
      return zoneContaining(
        opts.fresh ? await listZones() : await current(),
        point,
      );
    },
  };
}

/** The exclusion zones repository's type. */
export type Zones = ReturnType<typeof createZones>;
