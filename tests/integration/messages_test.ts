import assert from "node:assert/strict";
import { api, createRoom, joinRoom, registerUser } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";

const HERE = { lat: 52.52, lng: 13.405 };

Deno.test("messages - send, page and bad input against the real server", async (t) => {
  const server = await startServer();
  const base = server.url;
  try {
    const alice = await registerUser(base, "al");
    const bob = await registerUser(base, "bo");
    const room = await createRoom(base, alice, HERE);
    const path = `/rooms/${room.id}/messages`;
    const send = (token: string, text: string, clientId: string) =>
      api(base, path, { token, body: { text, clientId } });

    await t.step(
      "a non-member can neither send nor read, and nothing is written",
      async () => {
        const res = await send(bob.token, "hello?", "b-1");
        assert.equal(res.status, 403);
        assert.equal(res.body.error.code, "not_member");
        assert.equal((await api(base, path, { token: bob.token })).status, 403);
        const history = await api(base, path, { token: alice.token });
        assert.deepEqual(history.body.items, []);
      },
    );

    await t.step(
      "a member's send is trimmed and numbered after the join",
      async () => {
        await joinRoom(base, bob, room.id, HERE);
        const res = await send(bob.token, "  hi all  ", "b-1");
        assert.equal(res.status, 201);
        // Bob's join took seq 1 in the room's log; every durable change takes the next seq.
        assert.equal(res.body.seq, 2);
        assert.equal(res.body.text, "hi all");
        assert.equal(res.body.author.handle, bob.user.handle);
        const got = await api(base, `/rooms/${room.id}`, { token: bob.token });
        assert.equal(got.body.lastMessageAt, res.body.createdAt);
      },
    );

    await t.step(
      "a retried clientId returns the original message and adds nothing",
      async () => {
        const first = await send(alice.token, "once", "same-id");
        const again = await send(alice.token, "once (retry)", "same-id");
        assert.equal(first.status, 201);
        assert.equal(again.status, 200);
        assert.equal(again.body.id, first.body.id);
        assert.equal(again.body.text, "once");
        const other = await send(bob.token, "mine", "same-id");
        assert.equal(other.status, 201, "clientIds are per sender");
        const history = await api(base, `${path}?after=0`, {
          token: alice.token,
        });
        assert.deepEqual(
          history.body.items.map((m: { seq: number }) => m.seq),
          [2, 3, 4],
        );
      },
    );

    await t.step(
      "history pages forward with after and backward with before",
      async () => {
        const sent = await Promise.all(
          Array.from(
            { length: 22 },
            (_, i) => send(i % 2 ? alice.token : bob.token, `m${i}`, `p-${i}`),
          ),
        );
        assert.deepEqual(
          sent.map((r) =>
            r.status === 201 ? 201 : `${r.status} ${r.body?.error?.code}`
          ),
          sent.map(() => 201),
        );
        const seqs = (r: { body: { items: { seq: number }[] } }) =>
          r.body.items.map((m) => m.seq);
        const latest = await api(base, `${path}?limit=10`, {
          token: alice.token,
        });
        const range = (a: number, b: number) =>
          Array.from({ length: b - a + 1 }, (_, i) => a + i);
        assert.deepEqual(seqs(latest), range(17, 26));
        assert.equal(latest.body.cursor, "17");
        assert.equal(latest.body.head.seq, 26);
        assert.match(latest.body.head.epoch, /^[0-9a-f]{8}$/);
        const older = await api(base, `${path}?limit=10&before=17`, {
          token: alice.token,
        });
        assert.deepEqual(seqs(older), range(7, 16));
        const oldest = await api(base, `${path}?limit=10&before=7`, {
          token: alice.token,
        });
        assert.deepEqual(seqs(oldest), range(2, 6));
        assert.equal(oldest.body.cursor, null);
        const fwd = await api(base, `${path}?limit=10&after=21`, {
          token: alice.token,
        });
        assert.deepEqual(seqs(fwd), range(22, 26));
        assert.equal(fwd.body.cursor, null);
        const both = await api(base, `${path}?after=1&before=5`, {
          token: alice.token,
        });
        assert.equal(both.status, 400);
      },
    );

    await t.step(
      "bad message input is a 400 and nothing is written",
      async () => {
        const cases = [
          { text: "", clientId: "e-1" },
          { text: "   ", clientId: "e-2" },
          { text: "x".repeat(4001), clientId: "e-3" },
          { text: 42, clientId: "e-4" },
          { text: "ok", clientId: "has space" },
          { text: "ok" },
        ];
        for (const body of cases) {
          const res = await api(base, path, { token: bob.token, body });
          assert.equal(res.status, 400, JSON.stringify(body).slice(0, 60));
          assert.equal(res.body.error.code, "invalid_request");
        }
        const max = await send(bob.token, "é".repeat(4000), "e-max");
        assert.equal(max.status, 201, "exactly 4,000 characters is allowed");
        const head = await api(base, `${path}?limit=1`, { token: bob.token });
        assert.equal(head.body.items[0].seq, 27);
        assert.equal(head.body.head.seq, 27, "nothing else reached the log");
      },
    );

    await t.step(
      "malformed JSON, a wrong content type and an oversized body",
      async () => {
        const malformed = await api(base, path, {
          token: bob.token,
          rawBody: '{"text": ',
          headers: { "content-type": "application/json" },
        });
        assert.equal(malformed.status, 400);
        assert.match(malformed.type, /application\/json/);
        assert.equal(malformed.body.error.code, "invalid_request");
        const plain = await api(base, path, {
          token: bob.token,
          rawBody: "text=hi",
        });
        assert.equal(plain.status, 415);
        assert.equal(plain.body.error.code, "unsupported_media_type");
        const huge = await api(base, path, {
          token: bob.token,
          rawBody: JSON.stringify({
            text: "x".repeat(70_000),
            clientId: "big",
          }),
          headers: { "content-type": "application/json" },
        });
        assert.equal(huge.status, 413);
        assert.equal(huge.body.error.code, "payload_too_large");
        const head = await api(base, `${path}?limit=1`, { token: bob.token });
        assert.equal(head.body.items[0].seq, 27);
        assert.equal(head.body.head.seq, 27, "nothing else reached the log");
      },
    );

    await t.step("unknown rooms are 404 for reading and sending", async () => {
      const missing = "/rooms/01ARZ3NDEKTSV4RRFFQ69G5FAV/messages";
      assert.equal(
        (await api(base, missing, { token: bob.token })).status,
        404,
      );
      const res = await api(base, missing, {
        token: bob.token,
        body: { text: "x", clientId: "z" },
      });
      assert.equal(res.status, 404);
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("openapi - the document describes the API it validates with", async () => {
  const server = await startServer();
  try {
    const res = await api(server.url, "/openapi.json");
    assert.equal(res.status, 200);
    assert.match(res.type, /application\/json/);
    assert.match(res.body.openapi, /^3\./);
    for (
      const p of [
        "/auth/register",
        "/auth/login",
        "/me",
        "/rooms",
        "/rooms/nearby",
        "/rooms/{id}/join",
        "/rooms/{id}/messages",
      ]
    ) {
      assert.ok(res.body.paths[p], `missing ${p}`);
    }
    const body =
      res.body.paths["/rooms"].post.requestBody.content["application/json"]
        .schema;
    assert.equal(body.properties.radiusM.minimum, 50);
    assert.equal(body.properties.radiusM.maximum, 50000);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
