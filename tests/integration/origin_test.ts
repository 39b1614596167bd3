import assert from "node:assert/strict";
import { api, createRoom, registerUser } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";
import { openWs, rawUpgrade } from "../helpers/ws.ts";

const HERE = { lat: 48.8566, lng: 2.3522 };

Deno.test("origin - cookie-authenticated writes from another site are refused", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const u = await registerUser(base);
    const room = await createRoom(base, u, HERE);
    const path = `/rooms/${room.id}/messages`;
    const body = { text: "forged?", clientId: "x-1" };
    const forged = await api(base, path, {
      body,
      headers: { cookie: u.cookie, origin: "https://evil.example" },
    });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.error.code, "bad_origin");
    const history = await api(base, path, { token: u.token });
    assert.deepEqual(history.body.items, [], "nothing may be written");

    const same = await api(base, path, {
      body,
      headers: { cookie: u.cookie, origin: base },
    });
    assert.equal(same.status, 201);
    const bearer = await api(base, path, {
      token: u.token,
      body: { text: "from an integrator", clientId: "x-2" },
      headers: { origin: "https://integrator.example" },
    });
    assert.equal(
      bearer.status,
      201,
      "a bearer token cannot be forged by a browser",
    );
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("origin - behind a proxy, VICINITY_PUBLIC_URL is the server's own origin", async () => {
  const server = await startServer({
    VICINITY_PUBLIC_URL: "https://chat.example",
  });
  const base = server.url;
  try {
    const u = await registerUser(base);
    const room = await createRoom(base, u, HERE);
    const write = (origin: string) =>
      api(base, `/rooms/${room.id}/messages`, {
        body: { text: "hi", clientId: crypto.randomUUID() },
        headers: { cookie: u.cookie, origin },
      });
    assert.equal((await write("https://chat.example")).status, 201);
    assert.equal(
      (await write(base)).status,
      403,
      "the internal address is not what browsers use",
    );

    const ws = await openWs(base, {
      cookie: u.cookie,
      origin: "https://chat.example",
    });
    assert.equal((await ws.next((f) => f.type === "ready")).type, "ready");
    await ws.close();
    const refused = await rawUpgrade(base, {
      cookie: u.cookie,
      origin: "https://evil.example",
    });
    assert.equal(refused.status, 403);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
