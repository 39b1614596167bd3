import assert from "node:assert/strict";
import {
  destinationPoint,
  distanceM,
  type LatLng,
} from "../../lib/geo/distance.ts";
import {
  DISTANCE_BUCKETS_M,
  PEOPLE_GRID_M,
  snapToGrid,
} from "../../lib/geo/privacy.ts";
import { mulberry32 } from "../../lib/shared/random.ts";
import { api, registerUser, type TestUser } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";

/** Cities at different latitudes, from the equator to 60°N and the south. */
const CITIES: Record<string, LatLng> = {
  Quito: { lat: -0.1807, lng: -78.4678 },
  Lisbon: { lat: 38.7223, lng: -9.1393 },
  Helsinki: { lat: 60.1699, lng: 24.9384 },
  Sydney: { lat: -33.8688, lng: 151.2093 },
};
const TARGETS_PER_CITY = 8;
/** 8 targets (moved from city to city) + 10 attackers: within 20 registrations per server. */
const ATTACKERS = 10;
/** Where the attacker stands around each target: rings (metres) × bearings. */
const RING_RADII_M = [0, 200, 450, 800, 1_300, 2_000];
const BEARINGS = 6;
const SEARCH_M = 10_000;

/** One observation: from `q`, the person's distance was in [lo, hi). */
type Obs = { q: LatLng; lo: number; hi: number };

const RAD = Math.PI / 180;
/** Metres per degree on the sphere the server uses. */
const M_PER_DEG = 111_195.08;

/** Metres between two points within a few km (equirectangular at their mean latitude). */
function localM(a: LatLng, b: LatLng): number {
  const dx = (a.lng - b.lng) * Math.cos(((a.lat + b.lat) / 2) * RAD) *
    M_PER_DEG;
  const dy = (a.lat - b.lat) * M_PER_DEG;
  return Math.sqrt(dx * dx + dy * dy);
}

/** How far a candidate position is from agreeing with every observation, in metres. */
function violation(c: LatLng, obs: Obs[]): number {
  let v = 0;
  for (const o of obs) {
    const d = localM(c, o.q);
    if (d < o.lo) v += o.lo - d;
    else if (d >= o.hi) v += d - o.hi;
  }
  return v;
}

/** Grid search around `center`: the centroid of the candidates that fit best. */
function fit(center: LatLng, spanM: number, stepM: number, obs: Obs[]) {
  const cos = Math.cos(center.lat * RAD);
  const scored: [LatLng, number][] = [];
  for (let y = -spanM; y <= spanM; y += stepM) {
    for (let x = -spanM; x <= spanM; x += stepM) {
      const c = {
        lat: center.lat + y / M_PER_DEG,
        lng: center.lng + x / (M_PER_DEG * cos),
      };
      scored.push([c, violation(c, obs)]);
    }
  }
  const best = Math.min(...scored.map(([, v]) => v));
  const good = scored.filter(([, v]) => v <= best + 0.5).map(([c]) => c);
  return {
    lat: good.reduce((s, c) => s + c.lat, 0) / good.length,
    lng: good.reduce((s, c) => s + c.lng, 0) / good.length,
  };
}

/** The attacker's estimate: start where the nearest buckets were seen, then refine twice. */
function estimate(obs: Obs[]): LatLng {
  const nearest = Math.min(...obs.map((o) => o.lo));
  const near = obs.filter((o) => o.lo === nearest).map((o) => o.q);
  const start = {
    lat: near.reduce((s, q) => s + q.lat, 0) / near.length,
    lng: near.reduce((s, q) => s + q.lng, 0) / near.length,
  };
  const coarse = fit(start, 2_400, 100, obs);
  return fit(fit(coarse, 200, 10, obs), 20, 2, obs);
}

/** The [lo, hi) a bucket bound stands for; absent from a 10 km search: 10 km or more. */
function range(withinM: number | undefined): { lo: number; hi: number } {
  if (withinM === undefined) return { lo: SEARCH_M, hi: Infinity };
  const i = DISTANCE_BUCKETS_M.indexOf(withinM as never);
  return { lo: i === 0 ? 0 : DISTANCE_BUCKETS_M[i - 1], hi: withinM };
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

const quantile = (xs: number[], f: number) =>
  [...xs].sort((a, b) => a - b)[Math.round(f * (xs.length - 1))];

Deno.test("trilateration - buckets from many points around a visible person find their 1 km cell, not them", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const users: TestUser[] = [];
    // Sequential: each registration is a PBKDF2 hash, and the server has two cores.
    for (let i = 0; i < TARGETS_PER_CITY + ATTACKERS; i++) {
      users.push(
        await registerUser(base, i < TARGETS_PER_CITY ? "tgt" : "atk"),
      );
    }
    const targets = users.slice(0, TARGETS_PER_CITY);
    const attackers = users.slice(TARGETS_PER_CITY);
    const random = mulberry32(0x7e57);
    const errTrue: number[] = [],
      errGrid: number[] = [],
      errCell: number[] = [];
    let queries = 0;
    for (const [city, centre] of Object.entries(CITIES)) {
      const truth = targets.map(() =>
        destinationPoint(centre, random() * 360, 4_000 * Math.sqrt(random()))
      );
      await Promise.all(targets.map(async (t, i) => {
        const res = await api(base, "/me/visibility", {
          method: "PUT",
          token: t.token,
          body: {
            headline: `Target ${i} in ${city}`,
            interests: ["privacy"],
            ...truth[i],
            accuracy: 15,
          },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }));
      // The attacker walks rings around each target; every answer shows every target's bucket.
      const points = truth.flatMap((p) =>
        RING_RADII_M.flatMap((r, k) =>
          r === 0
            ? [p]
            : Array.from({ length: BEARINGS }, (_, b) =>
              destinationPoint(p, (b * 360) / BEARINGS + k * 17, r))
        )
      );
      const obs: Obs[][] = targets.map(() => []);
      await pool(points.map((q, i) => ({ q, i })), 6, async ({ q, i }) => {
        const res = await api(
          base,
          `/people/nearby?lat=${q.lat}&lng=${q.lng}&radius=${SEARCH_M}&limit=100`,
          { token: attackers[i % ATTACKERS].token },
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.doesNotMatch(JSON.stringify(res.body), /"lat"|"lng"/);
        const seen = new Map<string, number>(
          res.body.items.map((
            p: { user: { id: string }; distance: { withinM: number } },
          ) => [p.user.id, p.distance.withinM]),
        );
        targets.forEach((t, j) =>
          obs[j].push({ q, ...range(seen.get(t.user.id)) })
        );
      });
      queries += points.length;
      truth.forEach((p, j) => {
        const guess = estimate(obs[j]);
        errTrue.push(distanceM(guess, p));
        // An attacker who knows the public grid snaps the guess to a cell centre.
        errGrid.push(distanceM(snapToGrid(guess, PEOPLE_GRID_M), p));
        errCell.push(distanceM(guess, snapToGrid(p, PEOPLE_GRID_M)));
      });
    }
    const m = (xs: number[], f: number) => Math.round(quantile(xs, f));
    console.log(
      `trilateration: ${errTrue.length} targets in ${
        Object.keys(CITIES).length
      } cities, ${queries} searches by ${ATTACKERS} attackers → error to the true position: median ${
        m(errTrue, 0.5)
      } m, 10th percentile ${m(errTrue, 0.1)} m (grid-aware attacker: median ${
        m(errGrid, 0.5)
      } m, 10th percentile ${
        m(errGrid, 0.1)
      } m); error to the shown cell centre: median ${m(errCell, 0.5)} m`,
    );
    assert.ok(quantile(errTrue, 0.5) >= 250, "the attack found people");
    assert.ok(quantile(errGrid, 0.5) >= 250, "the grid-aware attack did");
    // It is a competent attack: it pins down what the server shows, the cell's centre.
    assert.ok(quantile(errCell, 0.5) < 50, "the attack missed the cell");
  } finally {
    await server.stop();
  }
});
