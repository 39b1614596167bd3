import assert from "node:assert/strict";
import { api, createRoom, joinRoom, registerUser } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";
import {
  connect,
  connectOnBothIsolates,
  messagesIn,
  subscribe,
} from "../helpers/ws.ts";

const HERE = { lat: 45.4642, lng: 9.19 };

Deno.test("ws - leaving a room ends the leaver's subscriptions on every isolate", async () => {
  const server = await startServer();
  const base = server.url;
  const sockets: { ws: { close(): Promise<unknown> } }[] = [];
  try {
    const owner = await registerUser(base, "own");
    const leaver = await registerUser(base, "lvr");
    const room = await createRoom(base, owner, HERE);
    await joinRoom(base, leaver, room.id, HERE);

    const leaverSockets = await connectOnBothIsolates(base, [leaver], 2);
    const ownerSocket = await connect(base, owner);
    sockets.push(...leaverSockets, ownerSocket);
    for (const s of [...leaverSockets, ownerSocket]) {
      assert.equal((await subscribe(s.ws, room.id)).type, "subscribed");
    }

    const left = await api(base, `/rooms/${room.id}/leave`, {
      method: "POST",
      token: leaver.token,
    });
    assert.equal(left.status, 204);
    // The leave landed on one isolate; the others hear of it over the BroadcastChannel.
    for (const s of leaverSockets) {
      const frame = await s.ws.next(
        (f) => f.type === "unsubscribed" && f.room === room.id,
        5_000,
      );
      assert.equal(frame.room, room.id);
    }

    ownerSocket.ws.send({
      type: "message.send",
      room: room.id,
      text: "after you left",
      clientId: "c1",
    });
    await ownerSocket.ws.next(
      (f) => f.type === "message.new" && f.room === room.id,
      5_000,
    );
    for (const s of leaverSockets) {
      s.ws.send({ type: "ping", id: "p" });
      await s.ws.next((f) => f.type === "pong", 5_000);
      assert.deepEqual(
        messagesIn(s.ws, room.id),
        [],
        "a leaver must not get new messages",
      );
      const again = await subscribe(s.ws, room.id);
      assert.equal(again.type, "error");
      assert.equal(again.code, "not_member");
    }
  } finally {
    await Promise.all(sockets.map((s) => s.ws.close()));
    assert.equal(await server.stop(), 0);
  }
});
