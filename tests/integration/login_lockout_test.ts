import assert from "node:assert/strict";
import { api, registerUser } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";

const PASSWORD = "correct horse battery";

/** POST /auth/login from a chosen loopback source address (all of 127/8 reaches the server). */
async function loginFrom(
  base: string,
  localAddress: string,
  body: { handle: string; password: string },
) {
  const client = Deno.createHttpClient({ localAddress });
  try {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      client,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      type: res.headers.get("content-type") ?? "",
      body: await res.json(),
    };
  } finally {
    client.close();
  }
}

Deno.test("login lockout - guessing one handle from one address throttles that address only", async (t) => {
  const server = await startServer();
  const base = server.url;
  try {
    const x = await registerUser(base, "victim");
    const y = await registerUser(base, "bystander");

    let refused: Awaited<ReturnType<typeof api>> | null = null;
    await t.step(
      "12 wrong passwords for X: 5 are checked, then 429s",
      async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) {
          const res = await api(base, "/auth/login", {
            body: { handle: x.user.handle, password: `wrong guess ${i}` },
          });
          statuses.push(res.status);
          if (res.status === 429) refused = res;
        }
        assert.deepEqual(statuses, [
          ...Array(5).fill(401),
          ...Array(7).fill(429),
        ]);
        assert.equal(refused!.body.error.code, "rate_limited");
      },
    );

    await t.step("Y's owner signs in from the same address", async () => {
      const res = await api(base, "/auth/login", {
        body: { handle: y.user.handle, password: PASSWORD },
      });
      assert.equal(res.status, 200);
      assert.match(res.type, /application\/json/);
      assert.equal(res.body.user.id, y.user.id);
    });

    await t.step(
      "X's owner at the guessing address waits, with retryAfterS",
      async () => {
        const res = await api(base, "/auth/login", {
          body: { handle: x.user.handle.toUpperCase(), password: PASSWORD },
        });
        assert.equal(res.status, 429);
        assert.match(res.type, /application\/json/);
        assert.equal(res.body.error.code, "rate_limited");
        const { retryAfterS } = res.body.error.details;
        assert.ok(Number.isInteger(retryAfterS), String(retryAfterS));
        assert.ok(retryAfterS >= 1 && retryAfterS <= 5, String(retryAfterS));
        assert.equal(res.headers.get("retry-after"), String(retryAfterS));
      },
    );

    await t.step("X's owner at another address signs in", async () => {
      const res = await loginFrom(base, "127.0.0.2", {
        handle: x.user.handle,
        password: PASSWORD,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.match(res.type, /application\/json/);
      assert.equal(res.body.user.id, x.user.id);
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
