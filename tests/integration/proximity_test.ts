import assert from "node:assert/strict";
import { api, registerUser } from "../helpers/api.ts";
import { ok, onContract, refused } from "../helpers/conversations.ts";
import { scanKvFile } from "../helpers/events.ts";
import { startServer } from "../helpers/server.ts";
import { connect, subscribe } from "../helpers/ws.ts";
import { destinationPoint } from "../../lib/geo/distance.ts";

// Odd digits, so a scan of the KV file finds them if anything kept a fix.
const CREATOR_FIX = { lat: 45.4642137, lng: 9.1899821 };
const JOIN_FIX = { lat: 45.4650913, lng: 9.1903377 };

Deno.test("proximity - snapped centres, no fixes at rest, peeking, implausible jumps", async (t) => {
  const server = await startServer();
  const base = server.url;
  try {
    const [owner, member, peeker] = await Promise.all(
      ["own", "mem", "peek"].map((p) => registerUser(base, p)),
    );
    const room = ok(
      await api(base, "/rooms", {
        token: owner.token,
        body: {
          name: "Duomo",
          ...CREATOR_FIX,
          radiusM: 300,
          readRadiusM: 2_000,
          category: "social",
        },
      }),
      201,
    );

    await t.step(
      "a room made here shows its grid cell's centre, not the creator's fix",
      () => {
        assert.notEqual(room.lat, CREATOR_FIX.lat);
        assert.notEqual(room.lng, CREATOR_FIX.lng);
        assert.equal(room.readRadiusM, 2_000);
        assert.equal(room.ended, false);
      },
    );

    await t.step(
      "joining needs the post radius; peeking the read radius",
      async () => {
        ok(
          await api(base, `/rooms/${room.id}/join`, {
            token: member.token,
            body: { ...JOIN_FIX, accuracy: 12 },
          }),
        );
        const far = destinationPoint(room, 0, 1_200);
        const fix = { ...far, accuracy: 15 };
        refused(
          await api(base, `/rooms/${room.id}/join`, {
            token: peeker.token,
            body: fix,
          }),
          403,
          "out_of_range",
        );
        const found = ok(
          await api(
            base,
            `/rooms/nearby?lat=${far.lat}&lng=${far.lng}&radius=5000`,
            { token: peeker.token },
          ),
        ).items.find((r: { id: string }) => r.id === room.id);
        assert.deepEqual(found.inside, { read: true, post: false });
        refused(
          await api(base, `/rooms/${room.id}/messages`, {
            token: peeker.token,
          }),
          403,
          "not_member",
        );
        ok(
          await api(base, `/rooms/${room.id}/peek`, {
            token: peeker.token,
            body: fix,
          }),
        );
        const { ws } = await connect(base, peeker);
        try {
          assert.equal((await subscribe(ws, room.id)).type, "subscribed");
          ok(
            await api(base, `/rooms/${room.id}/messages`, {
              token: member.token,
              body: { text: "hello from inside", clientId: "m1" },
            }),
            201,
          );
          const ev = onContract(
            await ws.next((f) =>
              f.type === "message.new" && f.room === room.id
            ),
          );
          assert.equal(ev.message.text, "hello from inside");
          ws.send({ type: "typing", room: room.id });
          const err = await ws.next((f) => f.type === "error");
          assert.equal(err.code, "not_member", "a peeker cannot type");
        } finally {
          await ws.close();
        }
        const history = ok(
          await api(base, `/rooms/${room.id}/messages`, {
            token: peeker.token,
          }),
        );
        assert.equal(history.items.length, 1);
        refused(
          await api(base, `/rooms/${room.id}/messages`, {
            token: peeker.token,
            body: { text: "can I?", clientId: "p1" },
          }),
          403,
          "not_member",
        );
      },
    );

    await t.step(
      "a fix hundreds of km from the last one, seconds later, is refused",
      async () => {
        const rome = { lat: 41.9028, lng: 12.4964, accuracy: 10 };
        const res = await api(base, `/rooms/${room.id}/peek`, {
          token: member.token,
          body: rome,
        });
        refused(res, 422, "implausible_location");
        assert.match(res.body.error.message, /km\/h/);
      },
    );

    await t.step(
      "the KV file holds no fix: not the creator's, not the joiner's",
      async () => {
        const dump = await scanKvFile(server.kvPath);
        for (
          const digits of [
            String(CREATOR_FIX.lat),
            String(CREATOR_FIX.lng),
            String(JOIN_FIX.lat),
            String(JOIN_FIX.lng),
          ]
        ) assert.ok(!dump.includes(digits), `${digits} is stored somewhere`);
      },
    );
  } finally {
    await server.stop();
  }
});
