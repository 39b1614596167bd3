import assert from "node:assert/strict";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import { createAccountDeletions } from "../../lib/db/account_deletions.ts";
import { createBlocks } from "../../lib/db/blocks.ts";
import { keys } from "../../lib/db/keys.ts";
import { createPeople, type Visibility } from "../../lib/db/people.ts";
import { createRateLimits } from "../../lib/db/rate_limits.ts";
import { createUsers, type User } from "../../lib/db/users.ts";
import { encodeGeohash } from "../../lib/geo/cover.ts";
import {
  destinationPoint,
  distanceM,
  type LatLng,
} from "../../lib/geo/distance.ts";
import {
  bucketBetween,
  PEOPLE_GRID_M,
  snapToGrid,
} from "../../lib/geo/privacy.ts";
import { loadConfig } from "../../lib/config.ts";
import { createApp } from "../../lib/http/app.ts";
import { LIMITS } from "../../lib/services/limits.ts";
import {
  createPeopleService,
  searchRadiusM,
} from "../../lib/services/people.ts";
import { AppError } from "../../lib/shared/errors.ts";
import {
  allEntries,
  dumpKv,
  openTestStore,
  type TestStore,
} from "../helpers/store.ts";

const MINUTE = 60_000;
/** A fix in central London whose digits must never reach KV. */
const FIX: LatLng = { lat: 51.507351, lng: -0.127758 };
/** The centre of FIX's 1 km cell: where the searches below stand. */
const CELL = snapToGrid(FIX, PEOPLE_GRID_M);
/** A fix about 340 km away, in Paris. */
const PARIS: LatLng = { lat: 48.856613, lng: 2.352222 };

function setUp(store: TestStore) {
  const users = createUsers(store);
  const blocks = createBlocks(store);
  const people = createPeople(store);
  const service = createPeopleService({
    people,
    users,
    blocks,
    limits: createRateLimits(store),
    clock: store.clock,
  });
  const make = (handle: string) =>
    users.createUser({
      handle,
      displayName: `Dr ${handle}`,
      password: DECOY_HASH,
    });
  const show = (u: User, at: LatLng, extra: { minutes?: number } = {}) =>
    service.setVisibility(u, {
      headline: `${u.handle} is around`,
      interests: ["deno", "maps"],
      ...at,
      accuracy: 25,
      minutes: extra.minutes ?? 60,
    });
  const search = (u: User, at: LatLng, radiusM = 10_000, limit = 50) =>
    service.listNearby(u, { ...at, radiusM, limit });
  const handles = async (u: User, at: LatLng, radiusM?: number) =>
    (await search(u, at, radiusM)).map((p) => p.user.handle);
  return { users, blocks, people, service, make, show, search, handles };
}

/** A fix 200 m from the centre of the cell `meters` from CELL along `bearing`. */
function inCell(bearing: number, meters: number, offsetBearing = 30): LatLng {
  const centre = snapToGrid(
    destinationPoint(CELL, bearing, meters),
    PEOPLE_GRID_M,
  );
  return destinationPoint(centre, offsetBearing, 200);
}

async function indexEntries(store: TestStore, userId: string) {
  const out: Deno.KvEntry<Visibility>[] = [];
  const prefix = keys.visibilitiesByGeohashPrefix();
  for await (const e of store.kv.list<Visibility>({ prefix })) {
    if (e.key[2] === userId) out.push(e);
  }
  return out;
}

Deno.test("people - a visibility lapses at its expiresAt by the injected clock; hide ends it at once", async () => {
  const store = await openTestStore();
  try {
    const t = setUp(store);
    const [ana, ben] = [await t.make("ana"), await t.make("ben")];
    const shown = await t.show(ana, FIX, { minutes: 30 });
    const until = store.clock.now() + 30 * MINUTE;
    assert.equal(shown.expiresAt, new Date(until).toISOString());
    assert.deepEqual(await t.service.getVisibility(ana), shown);
    assert.deepEqual(await t.handles(ben, CELL), ["ana"]);
    store.clock.set(until - 1);
    assert.deepEqual(await t.handles(ben, CELL), ["ana"]);
    store.clock.set(until);
    assert.deepEqual(await t.handles(ben, CELL), []);
    assert.equal(await t.service.getVisibility(ana), null);
    // expireIn is lazy (and runs on real time): the entries are still there, the reads filter.
    assert.equal((await indexEntries(store, ana.id)).length, 1);

    await t.show(ana, FIX, { minutes: 5 });
    assert.deepEqual(await t.handles(ben, CELL), ["ana"]);
    await t.service.hide(ana);
    assert.deepEqual(await t.handles(ben, CELL), []);
    assert.equal(await t.service.getVisibility(ana), null);
    assert.equal((await store.kv.get(keys.visibility(ana.id))).value, null);
    assert.deepEqual(await indexEntries(store, ana.id), []);
  } finally {
    store.kv.close();
  }
});

Deno.test("people - only the 1 km cell centre is stored, never the fix nor the searcher's point", async () => {
  const store = await openTestStore();
  try {
    const t = setUp(store);
    const [ana, ben] = [await t.make("ana"), await t.make("ben")];
    const searcher: LatLng = { lat: 51.512345, lng: -0.134567 };
    await t.show(ana, FIX);
    await t.show(ben, PARIS);
    assert.deepEqual(await t.handles(ben, searcher), ["ana"]);
    assert.deepEqual(await t.handles(ana, PARIS), ["ben"]);
    const digits = [
      "507351",
      "127758",
      "856613",
      "352222",
      "512345",
      "134567",
    ];
    // The cell centres differ from every fix, so finding these digits means a fix leaked.
    const paris = snapToGrid(PARIS, PEOPLE_GRID_M);
    for (const d of digits) {
      assert.ok(!JSON.stringify([CELL, paris]).includes(d), d);
    }
    const dump = await dumpKv(store.kv);
    for (const d of digits) assert.ok(!dump.includes(d), `${d} is in KV`);
    const stored = (await store.kv.get<Visibility>(keys.visibility(ana.id)))
      .value!;
    assert.deepEqual({ lat: stored.lat, lng: stored.lng }, CELL);
    assert.ok(
      distanceM(FIX, CELL) > 100,
      "the test fix is not its cell's centre",
    );
    for (const e of await allEntries(store.kv)) {
      const text = JSON.stringify(
        e.value,
        (_, v) => typeof v === "bigint" ? String(v) : v,
      );
      assert.ok(!text?.includes(String(FIX.lat)), JSON.stringify(e.key));
    }
  } finally {
    store.kv.close();
  }
});

Deno.test("people - a re-PUT replaces the visibility and moves its index entry", async () => {
  const store = await openTestStore();
  try {
    const t = setUp(store);
    const [ana, ben] = [await t.make("ana"), await t.make("ben")];
    await t.show(ana, FIX);
    const first = await indexEntries(store, ana.id);
    assert.deepEqual(first.map((e) => e.key[1]), [encodeGeohash(CELL)]);
    await t.service.setVisibility(ana, {
      headline: "Now in Paris",
      interests: [],
      ...PARIS,
      accuracy: 10,
      minutes: 60,
    });
    const moved = await indexEntries(store, ana.id);
    const parisCell = snapToGrid(PARIS, PEOPLE_GRID_M);
    assert.deepEqual(moved.map((e) => e.key[1]), [encodeGeohash(parisCell)]);
    assert.deepEqual(await t.handles(ben, CELL), []);
    const [found] = await t.search(ben, PARIS);
    assert.equal(found.headline, "Now in Paris");
    assert.deepEqual(found.interests, []);
  } finally {
    store.kv.close();
  }
});

Deno.test("people - a block hides people from each other both ways", async () => {
  const store = await openTestStore();
  try {
    const t = setUp(store);
    const [ana, ben, cid] = [
      await t.make("ana"),
      await t.make("ben"),
      await t.make("cid"),
    ];
    for (const u of [ana, ben, cid]) await t.show(u, FIX);
    assert.deepEqual(await t.handles(ana, CELL), ["ben", "cid"]);
    await t.blocks.block(ana.id, ben.id);
    assert.deepEqual(await t.handles(ana, CELL), ["cid"], "the blocker");
    assert.deepEqual(await t.handles(ben, CELL), ["cid"], "the blocked");
    assert.deepEqual(await t.handles(cid, CELL), ["ana", "ben"]);
    await t.blocks.unblock(ana.id, ben.id);
    assert.deepEqual(await t.handles(ben, CELL), ["ana", "cid"]);
  } finally {
    store.kv.close();
  }
});

Deno.test("people - sorted by distance bucket then handle, labelled by bucket, never a coordinate", async () => {
  const store = await openTestStore();
  try {
    const t = setUp(store);
    const me = await t.make("me_searching");
    const placed: [string, LatLng][] = [
      ["zed", inCell(0, 0)],
      ["eve", inCell(45, 1_414)],
      ["Cat", inCell(0, 3_000, 90)],
      ["amy", inCell(0, 3_000, 200)],
      ["Bob", inCell(0, 3_000, 300)],
      ["dan", inCell(180, 6_000)],
    ];
    for (const [handle, at] of placed) await t.show(await t.make(handle), at);
    const items = await t.search(me, CELL);
    assert.deepEqual(items.map((p) => p.user.handle), [
      "zed",
      "eve",
      "amy",
      "Bob",
      "Cat",
      "dan",
    ]);
    assert.deepEqual(items.map((p) => p.distance.label), [
      "< 200 m",
      "< 2 km",
      "< 5 km",
      "< 5 km",
      "< 5 km",
      "< 10 km",
    ]);
    // Each bucket is that of the person's cell centre, not of their fix.
    for (const p of items) {
      const at = placed.find(([h]) => h === p.user.handle)![1];
      assert.deepEqual(
        p.distance,
        bucketBetween(CELL, snapToGrid(at, PEOPLE_GRID_M)),
      );
      assert.deepEqual(Object.keys(p).sort(), [
        "distance",
        "headline",
        "interests",
        "user",
      ]);
      assert.deepEqual(Object.keys(p.user).sort(), [
        "displayName",
        "handle",
        "id",
      ]);
    }
    assert.doesNotMatch(JSON.stringify(items), /lat|lng|\d+\.\d{3,}/);
    const firstThree = await t.search(me, CELL, 10_000, 3);
    assert.deepEqual(firstThree.map((p) => p.user.handle), [
      "zed",
      "eve",
      "amy",
    ]);
    assert.deepEqual(await t.handles(me, CELL, 2_000), ["zed", "eve"]);
  } finally {
    store.kv.close();
  }
});

Deno.test("people - the radius is rounded up to a bucket bound, so varying it shows no finer distance", async () => {
  const store = await openTestStore();
  try {
    const t = setUp(store);
    const me = await t.make("me_searching");
    const eve = inCell(45, 1_414);
    const d = distanceM(CELL, snapToGrid(eve, PEOPLE_GRID_M));
    assert.ok(d > 1_000 && d < 2_000, `eve's cell is ${d} m away`);
    await t.show(await t.make("eve"), eve);
    assert.deepEqual(
      [1, 200, 201, 999, 1_000, 1_001, 1_999, 2_000, 9_999, 10_000].map(
        searchRadiusM,
      ),
      [200, 200, 500, 1_000, 1_000, 2_000, 2_000, 2_000, 10_000, 10_000],
    );
    assert.deepEqual(await t.handles(me, CELL, 1_000), []);
    for (const r of [1_001, Math.floor(d) - 1, Math.ceil(d) + 1, 2_000]) {
      assert.deepEqual(await t.handles(me, CELL, r), ["eve"], `radius ${r}`);
    }
  } finally {
    store.kv.close();
  }
});

Deno.test("people - banned and deleted accounts are not shown; account deletion drops the visibility", async () => {
  const store = await openTestStore();
  try {
    const t = setUp(store);
    const [ana, ben, cid] = [
      await t.make("ana"),
      await t.make("ben"),
      await t.make("cid"),
    ];
    for (const u of [ana, ben]) await t.show(u, FIX);
    await t.users.updateStanding(ben.id, { ban: { at: store.clock.now() } });
    assert.deepEqual(await t.handles(cid, CELL), ["ana"]);
    await createAccountDeletions(store).deletePrivateData(ana.id);
    assert.equal((await store.kv.get(keys.visibility(ana.id))).value, null);
    assert.deepEqual(await indexEntries(store, ana.id), []);
    assert.deepEqual(await t.handles(cid, CELL), []);
  } finally {
    store.kv.close();
  }
});

Deno.test("people - searches are rate limited per user (LIMITS.read)", async () => {
  const store = await openTestStore();
  try {
    const t = setUp(store);
    const [ana, ben] = [await t.make("ana"), await t.make("ben")];
    for (let i = 0; i < LIMITS.read.max; i++) await t.search(ana, CELL);
    await assert.rejects(
      t.search(ana, CELL),
      (e) => e instanceof AppError && e.status === 429,
    );
    await t.search(ben, CELL);
    store.clock.advance(LIMITS.read.windowMs);
    await t.search(ana, CELL);
  } finally {
    store.kv.close();
  }
});

Deno.test("people api - /me/visibility and /people/nearby validate, answer JSON and hold no coordinate", async () => {
  const kv = await Deno.openKv(":memory:");
  const { app, services, shutdown } = createApp({ kv, config: loadConfig({}) });
  try {
    const make = async (handle: string) => {
      const user = await services.repos.users.createUser({
        handle,
        displayName: handle,
        password: DECOY_HASH,
      });
      return (await services.repos.sessions.createSession(user.id)).token;
    };
    const [ana, ben] = [await make("ana_api"), await make("ben_api")];
    const call = async (
      token: string,
      method: string,
      path: string,
      body?: unknown,
    ) => {
      const res = await app.request(`http://vicinity.test/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return {
        status: res.status,
        type: res.headers.get("content-type") ?? "",
        cache: res.headers.get("cache-control"),
        body: text ? JSON.parse(text) : null,
      };
    };
    const good = {
      headline: "  Building maps in Deno  ",
      interests: ["maps", "deno"],
      ...FIX,
      accuracy: 30,
    };
    for (
      const bad of [
        { ...good, headline: "   " },
        { ...good, headline: "x".repeat(81) },
        { ...good, accuracy: 501 },
        { ...good, minutes: 4 },
        { ...good, minutes: 241 },
        { ...good, interests: Array.from({ length: 11 }, (_, i) => `t${i}`) },
        { ...good, interests: ["x".repeat(31)] },
        { ...good, interests: ["Deno", "deno"] },
        { ...good, lat: 91 },
      ]
    ) {
      const res = await call(ana, "PUT", "/me/visibility", bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.body.error.code, "invalid_request");
    }
    assert.equal((await call(ana, "GET", "/me/visibility")).body, null);
    const put = await call(ana, "PUT", "/me/visibility", good);
    assert.equal(put.status, 200);
    assert.match(put.type, /application\/json/);
    assert.equal(put.cache, "no-store");
    assert.equal(put.body.headline, "Building maps in Deno");
    const in60 = Date.parse(put.body.expiresAt) - Date.now();
    assert.ok(in60 > 59 * MINUTE && in60 <= 60 * MINUTE, "default 60 minutes");
    assert.deepEqual((await call(ana, "GET", "/me/visibility")).body, put.body);

    const q = `lat=${CELL.lat}&lng=${CELL.lng}`;
    for (const bad of ["radius=10001", "radius=0", "limit=0", "limit=101"]) {
      const res = await call(ben, "GET", `/people/nearby?${q}&${bad}`);
      assert.equal(res.status, 400, bad);
    }
    assert.equal(
      (await call(ben, "GET", "/people/nearby?lat=&lng=1")).status,
      400,
    );
    const near = await call(ben, "GET", `/people/nearby?${q}`);
    assert.equal(near.status, 200);
    assert.match(near.type, /application\/json/);
    assert.deepEqual(
      near.body.items.map((p: { user: { handle: string } }) => p.user.handle),
      ["ana_api"],
    );
    assert.deepEqual(near.body.items[0].distance, bucketBetween(CELL, CELL));
    assert.doesNotMatch(JSON.stringify(near.body), /lat|lng/);
    assert.deepEqual(
      (await call(ana, "GET", `/people/nearby?${q}`)).body.items,
      [],
    );

    assert.equal((await call(ana, "DELETE", "/me/visibility")).status, 204);
    assert.equal((await call(ana, "GET", "/me/visibility")).body, null);
    assert.deepEqual(
      (await call(ben, "GET", `/people/nearby?${q}`)).body.items,
      [],
    );
    const anon = await app.request(
      `http://vicinity.test/api/v1/people/nearby?${q}`,
    );
    assert.equal(anon.status, 401);
    await anon.body?.cancel();
  } finally {
    await shutdown();
    kv.close();
  }
});
