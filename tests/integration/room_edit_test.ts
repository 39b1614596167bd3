import assert from "node:assert/strict";
import { api, createRoom, joinRoom, registerUser } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";
import { connect, subscribe } from "../helpers/ws.ts";

const AT = { lat: 52.52, lng: 13.405 };

Deno.test("rooms - the owner renames a room, members see room.updated, others may not", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const owner = await registerUser(base, "ed");
    const member = await registerUser(base, "em");
    const room = await createRoom(base, owner, AT);
    await joinRoom(base, member, room.id, AT);
    const { ws } = await connect(base, member);
    const sub = await subscribe(ws, room.id);
    const path = `/rooms/${room.id}`;

    const refused = await api(base, path, {
      method: "PATCH",
      token: member.token,
      body: { name: "Mine now" },
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "not_allowed");
    const empty = await api(base, path, {
      method: "PATCH",
      token: owner.token,
      body: {},
    });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, "invalid_request");

    const res = await api(base, path, {
      method: "PATCH",
      token: owner.token,
      body: { name: "  Rooftop  ", description: "Up the stairs" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, "Rooftop");
    const event = await ws.next((f) => f.type === "room.updated");
    assert.deepEqual(
      { seq: event.seq, name: event.name, description: event.description },
      { seq: sub.seq + 1, name: "Rooftop", description: "Up the stairs" },
    );
    const again = await api(base, path, {
      method: "PATCH",
      token: owner.token,
      body: { name: "Rooftop" },
    });
    assert.equal(again.status, 200);
    const head = await api(base, `${path}/messages?limit=1`, {
      token: owner.token,
    });
    assert.equal(head.body.head.seq, sub.seq + 1, "no change, no event");
    const view = await api(base, path, { token: member.token });
    assert.equal(view.body.description, "Up the stairs");
    await ws.close();
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
