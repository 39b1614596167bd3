import assert from "node:assert/strict";
import { keys } from "../../lib/db/keys.ts";
import { api, uniqueHandle } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";

const PASSWORD = "correct horse battery";

Deno.test("display name - registering with invisible or bidi characters is 400 and stores nothing", async (t) => {
  const server = await startServer();
  const base = server.url;
  try {
    const hostile = {
      "right-to-left override": "\u202Eecila",
      "zero-width space": "Ali\u200Bce",
      "blank after removing invisibles": " \u200B\u2060 ",
      "isolate": "Bob\u2067",
    };
    for (const [what, displayName] of Object.entries(hostile)) {
      await t.step(what, async () => {
        const handle = uniqueHandle("imp");
        const res = await api(base, "/auth/register", {
          body: { handle, displayName, password: PASSWORD },
        });
        assert.equal(res.status, 400);
        assert.match(res.type, /application\/json/);
        assert.equal(res.body.error.code, "invalid_request");
        const [issue] = res.body.error.details;
        assert.equal(issue.path, "displayName");
        assert.match(issue.message, /invisible|control/i);
        const kv = await Deno.openKv(server.kvPath);
        try {
          const taken = await kv.get(keys.userByHandle(handle.toLowerCase()));
          assert.equal(taken.value, null);
        } finally {
          kv.close();
        }
        const login = await api(base, "/auth/login", {
          body: { handle, password: PASSWORD },
        });
        assert.equal(login.status, 401);
      });
    }

    await t.step("a decomposed name is stored composed (NFC)", async () => {
      const res = await api(base, "/auth/register", {
        body: {
          handle: uniqueHandle("nfc"),
          displayName: "Rene\u0301e",
          password: PASSWORD,
        },
      });
      assert.equal(res.status, 201);
      assert.equal(res.body.user.displayName, "Ren\u00E9e");
      const me = await api(base, "/me", { token: res.body.token });
      assert.equal(me.body.displayName, "Ren\u00E9e");
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
