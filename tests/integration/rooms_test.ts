import assert from "node:assert/strict";
import { api, createRoom, joinRoom, registerUser } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";

// A point in central Lisbon and offsets in metres north of it.
const HERE = { lat: 38.7223, lng: -9.1393 };
const north = (m: number) => ({ lat: HERE.lat + m / 111_195, lng: HERE.lng });

Deno.test("rooms - create, find nearby, join, leave against the real server", async (t) => {
  const server = await startServer({ VICINITY_MAX_SPEED_KMH: "off" });
  const base = server.url;
  try {
    const owner = await registerUser(base, "own");
    const guest = await registerUser(base, "gst");
    const room = await createRoom(base, owner, HERE, {
      name: "Praça",
      radiusM: 300,
    });

    await t.step("a new room has its owner as first member", async () => {
      const res = await api(base, `/rooms/${room.id}`, { token: guest.token });
      assert.equal(res.status, 200);
      assert.equal(res.body.name, "Praça");
      assert.equal(res.body.memberCount, 1);
      assert.equal(res.body.lastMessageAt, null);
    });

    await t.step(
      "nearby finds it from inside the search radius, nearest first",
      async () => {
        const far = await createRoom(base, owner, north(700), {
          name: "Further",
        });
        const res = await api(
          base,
          `/rooms/nearby?lat=${north(100).lat}&lng=${HERE.lng}`,
          {
            token: guest.token,
          },
        );
        assert.equal(res.status, 200);
        const ids = res.body.items.map((r: { id: string }) => r.id);
        assert.deepEqual(ids.slice(0, 2), [room.id, far.id]);
        assert.ok(Math.abs(res.body.items[0].distanceM - 100) <= 2);
      },
    );

    await t.step(
      "nearby does not find it from outside the search radius",
      async () => {
        const p = north(5_000);
        const res = await api(
          base,
          `/rooms/nearby?lat=${p.lat}&lng=${p.lng}&radius=1000`,
          {
            token: guest.token,
          },
        );
        assert.equal(res.status, 200);
        assert.equal(
          res.body.items.some((r: { id: string }) => r.id === room.id),
          false,
        );
      },
    );

    await t.step("join is refused from outside the radius", async () => {
      const p = north(600);
      const res = await api(base, `/rooms/${room.id}/join`, {
        token: guest.token,
        body: { ...p, accuracy: 20 },
      });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, "out_of_range");
    });

    await t.step(
      "accuracy counts up to 100 m in the joiner's favour",
      async () => {
        const edgeUser = await registerUser(base, "edge");
        const beyondCap = await api(base, `/rooms/${room.id}/join`, {
          token: edgeUser.token,
          body: { ...north(420), accuracy: 400 },
        });
        assert.equal(
          beyondCap.status,
          403,
          "400 m accuracy must stretch 300 m by 100 m, no more",
        );
        const imprecise = await api(base, `/rooms/${room.id}/join`, {
          token: edgeUser.token,
          body: { ...HERE, accuracy: 501 },
        });
        assert.equal(imprecise.status, 422);
        assert.equal(imprecise.body.error.code, "imprecise_location");
        const withinSlack = await api(base, `/rooms/${room.id}/join`, {
          token: edgeUser.token,
          body: { ...north(380), accuracy: 90 },
        });
        assert.equal(withinSlack.status, 200);
        assert.equal(withinSlack.body.memberCount, 2);
        await api(base, `/rooms/${room.id}/leave`, {
          method: "POST",
          token: edgeUser.token,
        });
      },
    );
    await t.step("members are listed to members only", async () => {
      const denied = await api(base, `/rooms/${room.id}/members`, {
        token: guest.token,
      });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error.code, "not_member");
      await joinRoom(base, guest, room.id, north(250));
      const res = await api(base, `/rooms/${room.id}/members`, {
        token: guest.token,
      });
      assert.equal(res.status, 200);
      const handles = res.body.items.map((m: { handle: string }) => m.handle)
        .sort();
      assert.deepEqual(handles, [owner.user.handle, guest.user.handle].sort());
      assert.equal(
        (await api(base, `/rooms/${room.id}`, { token: guest.token })).body
          .memberCount,
        2,
      );
    });

    await t.step(
      "joining twice is harmless and leaving drops the count",
      async () => {
        await joinRoom(base, guest, room.id, HERE);
        assert.equal(
          (await api(base, `/rooms/${room.id}`, { token: guest.token })).body
            .memberCount,
          2,
        );
        const left = await api(base, `/rooms/${room.id}/leave`, {
          method: "POST",
          token: guest.token,
        });
        assert.equal(left.status, 204);
        const after = await api(base, `/rooms/${room.id}`, {
          token: guest.token,
        });
        assert.equal(after.body.memberCount, 1);
        assert.equal(
          (await api(base, `/rooms/${room.id}/members`, { token: guest.token }))
            .status,
          403,
        );
      },
    );

    await t.step("bad room input is a 400 and creates nothing", async () => {
      const before = await api(
        base,
        `/rooms/nearby?lat=0.5&lng=0.5&radius=50000`,
        { token: owner.token },
      );
      const bad = [
        { name: "x", lat: 0.5, lng: 0.5, radiusM: 10, category: "social" },
        { name: "x", lat: 95, lng: 0.5, radiusM: 100, category: "social" },
        { name: "x", lat: "0.5", lng: 0.5, radiusM: 100, category: "social" },
        { name: "x", lat: 0.5, lng: 0.5, radiusM: 100, category: "disco" },
        { name: "   ", lat: 0.5, lng: 0.5, radiusM: 100, category: "social" },
        {
          name: "x",
          lat: 0.5,
          lng: 0.5,
          radiusM: 100,
          category: "event",
          expiresAt: "2001-01-01T00:00:00Z",
        },
      ];
      for (const body of bad) {
        const res = await api(base, "/rooms", { token: owner.token, body });
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, "invalid_request");
      }
      const after = await api(
        base,
        `/rooms/nearby?lat=0.5&lng=0.5&radius=50000`,
        { token: owner.token },
      );
      assert.equal(after.body.items.length, before.body.items.length);
      assert.equal(after.body.items.length, 0);
    });

    await t.step("bad queries and ids are 400, unknown rooms 404", async () => {
      for (
        const q of [
          "lat=91&lng=0",
          "lat=0&lng=0&radius=50001",
          "lat=abc&lng=0",
          "lng=0",
        ]
      ) {
        const res = await api(base, `/rooms/nearby?${q}`, {
          token: owner.token,
        });
        assert.equal(res.status, 400, q);
      }
      assert.equal(
        (await api(base, "/rooms/not-a-ulid", { token: owner.token })).status,
        400,
      );
      const missing = await api(base, "/rooms/01ARZ3NDEKTSV4RRFFQ69G5FAV", {
        token: owner.token,
      });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, "not_found");
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
