import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";
import { createApp } from "../../lib/http/app.ts";

Deno.test("query numbers - an empty or blank lat, lng, after or before is 400, never 0", async () => {
  const kv = await Deno.openKv(":memory:");
  const { app, services, shutdown } = createApp({ kv, config: loadConfig({}) });
  try {
    const { token } = await services.accounts.register(
      { handle: "qn_user", displayName: "Q", password: "long enough pw" },
      "127.0.0.1",
    );
    const get = async (path: string) => {
      const res = await app.request(`http://vicinity.test/api/v1${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: res.status, body: await res.json() };
    };
    for (
      const q of ["lat=&lng=2.35", "lat=%20&lng=2.35", "lng=2.35", "lat=1&lng="]
    ) {
      const res = await get(`/rooms/nearby?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.code, "invalid_request", q);
    }
    assert.equal((await get("/rooms/nearby?lat=48.85&lng=2.35")).status, 200);
    const room = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    for (const q of ["after=", "before=%20"]) {
      assert.equal((await get(`/rooms/${room}/messages?${q}`)).status, 400, q);
    }
  } finally {
    await shutdown();
    kv.close();
  }
});
