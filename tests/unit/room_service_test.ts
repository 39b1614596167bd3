import assert from "node:assert/strict";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import type { User } from "../../lib/db/users.ts";
import {
  destinationPoint,
  distanceM,
  type LatLng,
} from "../../lib/geo/distance.ts";
import { createServices, type Services } from "../../lib/services/mod.ts";
import { AppError } from "../../lib/shared/errors.ts";
import type { Fix } from "../../lib/shared/schemas.ts";
import { dumpKv, openTestStore, type TestStore } from "../helpers/store.ts";

const LISBON: LatLng = { lat: 38.7223, lng: -9.1393 };
const RADIUS_M = 300;

async function setUp(store: TestStore) {
  // Fixes here hop around the room in milliseconds: the speed check is not under test.
  const services = createServices(store, {
    sessionTtlMs: 3_600_000,
    maxSpeedKmh: 1e9,
  });
  const owner = await services.repos.users.createUser({
    handle: "owner",
    displayName: "Owner",
    password: DECOY_HASH,
  });
  const guest = await services.repos.users.createUser({
    handle: "guest",
    displayName: "Guest",
    password: DECOY_HASH,
  });
  // Placed on the map, so its centre is exactly LISBON and radii are measured from it.
  const room = await services.rooms.createRoom(owner, {
    name: "Praça",
    description: "",
    ...LISBON,
    placement: "map",
    radiusM: RADIUS_M,
    category: "social",
  });
  return { services, owner, guest, roomId: room.id };
}

/** A fix `meters` from the room's centre, checked to be on the intended side to ±1 mm. */
function fixAt(meters: number, bearingDeg: number, accuracy: number): Fix {
  const at = destinationPoint(LISBON, bearingDeg, meters);
  assert.ok(Math.abs(distanceM(at, LISBON) - meters) < 0.001);
  return { ...at, accuracy };
}

const rejectsWith = (status: number, code: string) => (err: unknown) =>
  err instanceof AppError && err.status === status && err.code === code;

async function isMember(services: Services, roomId: string, user: User) {
  return (await services.repos.members.getMember(roomId, user.id)) !== null;
}

Deno.test("joinRoom - accepts up to radius + accuracy and refuses beyond (403 out_of_range)", async () => {
  const store = await openTestStore();
  try {
    const { services, guest, roomId } = await setUp(store);
    const cases: [meters: number, accuracy: number, ok: boolean][] = [
      [RADIUS_M - 0.5, 0, true],
      [RADIUS_M + 0.5, 0, false],
      [RADIUS_M + 49.5, 50, true],
      [RADIUS_M + 50.5, 50, false],
      [RADIUS_M + 99.5, 100, true],
      [RADIUS_M + 100.5, 100, false],
      // Accuracy counts for at most 100 m, however large.
      [RADIUS_M + 99.5, 400, true],
      [RADIUS_M + 100.5, 400, false],
      [RADIUS_M + 100.5, 500, false],
    ];
    for (const [i, [meters, accuracy, ok]] of cases.entries()) {
      const fix = fixAt(meters, 17 + 41 * i, accuracy);
      const where = `${meters} m, accuracy ${accuracy}`;
      if (ok) {
        const view = await services.rooms.joinRoom(guest, roomId, fix);
        assert.equal(view.id, roomId, where);
        assert.equal(view.memberCount, 2, where);
        assert.ok(await isMember(services, roomId, guest), where);
        await services.rooms.leaveRoom(guest, roomId);
      } else {
        await assert.rejects(
          services.rooms.joinRoom(guest, roomId, fix),
          rejectsWith(403, "out_of_range"),
          where,
        );
        assert.ok(!(await isMember(services, roomId, guest)), where);
      }
    }
  } finally {
    store.kv.close();
  }
});

Deno.test("joinRoom - refuses accuracy worse than 500 m (422 imprecise_location), even at the centre", async () => {
  const store = await openTestStore();
  try {
    const { services, guest, roomId } = await setUp(store);
    for (const accuracy of [500.001, 501, 5_000]) {
      await assert.rejects(
        services.rooms.joinRoom(guest, roomId, { ...LISBON, accuracy }),
        (err) =>
          rejectsWith(422, "imprecise_location")(err) &&
          (err as AppError).details !== undefined &&
          (err as { details: { maxAccuracyM: number } }).details
              .maxAccuracyM === 500,
        String(accuracy),
      );
    }
    // Far away and imprecise: the precision check comes first.
    await assert.rejects(
      services.rooms.joinRoom(guest, roomId, fixAt(10_000, 90, 600)),
      rejectsWith(422, "imprecise_location"),
    );
    assert.ok(!(await isMember(services, roomId, guest)));
    const view = await services.rooms.joinRoom(guest, roomId, {
      ...LISBON,
      accuracy: 500,
    });
    assert.equal(view.memberCount, 2);
  } finally {
    store.kv.close();
  }
});

Deno.test("joinRoom - a second join keeps one membership; unknown rooms are 404, ended ones 410", async () => {
  const store = await openTestStore();
  try {
    const { services, owner, guest, roomId } = await setUp(store);
    const fix = fixAt(10, 45, 5);
    await services.rooms.joinRoom(guest, roomId, fix);
    const again = await services.rooms.joinRoom(guest, roomId, fix);
    assert.equal(again.memberCount, 2);
    await assert.rejects(
      services.rooms.joinRoom(guest, "01ARZ3NDEKTSV4RRFFQ69G5FAV", fix),
      rejectsWith(404, "not_found"),
    );
    const expiresAt = store.clock.now() + 60_000;
    const brief = await services.rooms.createRoom(owner, {
      name: "Brief",
      description: "",
      ...LISBON,
      placement: "map",
      radiusM: RADIUS_M,
      category: "event",
      expiresAt: new Date(expiresAt).toISOString(),
    });
    store.clock.set(expiresAt);
    // An ended event room is read-only: joining it is 410, not 404.
    await assert.rejects(
      services.rooms.joinRoom(guest, brief.id, fix),
      rejectsWith(410, "room_ended"),
    );
  } finally {
    store.kv.close();
  }
});

Deno.test("joinRoom - the fix is never stored, whether the join succeeds or fails", async () => {
  const store = await openTestStore();
  try {
    const { services, guest, roomId } = await setUp(store);
    const fixes = [
      fixAt(123.456, 33, 12.5),
      fixAt(RADIUS_M + 250, 123, 40),
      fixAt(50, 211, 777),
    ];
    await services.rooms.joinRoom(guest, roomId, fixes[0]);
    await assert.rejects(services.rooms.joinRoom(guest, roomId, fixes[1]));
    await assert.rejects(services.rooms.joinRoom(guest, roomId, fixes[2]));

    const dump = await dumpKv(store.kv);
    // The scan can see coordinates: the room's own centre is stored.
    assert.ok(dump.includes(String(LISBON.lat)));
    for (const fix of fixes) {
      for (
        const text of [
          String(fix.lat),
          String(fix.lng),
          // A rounded copy is still the fix.
          fix.lat.toFixed(4),
          fix.lng.toFixed(4),
        ]
      ) {
        assert.ok(!LISBON.lat.toFixed(4).includes(text), text);
        assert.ok(!LISBON.lng.toFixed(4).includes(text), text);
        assert.ok(!dump.includes(text), `fix coordinate ${text} found in KV`);
      }
    }
  } finally {
    store.kv.close();
  }
});

Deno.test("leaveRoom - removes the membership; leaving again is not an error", async () => {
  const store = await openTestStore();
  try {
    const { services, guest, roomId } = await setUp(store);
    await services.rooms.joinRoom(guest, roomId, fixAt(10, 0, 5));
    await services.rooms.leaveRoom(guest, roomId);
    await services.rooms.leaveRoom(guest, roomId);
    assert.ok(!(await isMember(services, roomId, guest)));
    assert.equal(
      (await services.rooms.getRoomView(null, roomId)).memberCount,
      1,
    );
    await assert.rejects(
      services.rooms.requireMember(guest, roomId),
      rejectsWith(403, "not_member"),
    );
  } finally {
    store.kv.close();
  }
});
