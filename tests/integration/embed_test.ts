import assert from "node:assert/strict";
import {
  api,
  type ApiResult,
  createRoom,
  joinRoom,
  registerUser,
  sendMessage,
  type TestUser,
  uniqueHandle,
} from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";
import { openWs, rawUpgrade } from "../helpers/ws.ts";

const HERE = { lat: 48.8566, lng: 2.3522 };
const AWAY = { lat: 48.9566, lng: 2.3522 };
const VENUE = "https://venue.example";
const PASSWORD = "correct horse battery";

function refused(res: ApiResult, status: number, code: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.type, /^application\/json/);
  assert.equal(res.body.error.code, code);
}

const putOrigins = (base: string, u: TestUser, room: string, body: unknown) =>
  api(base, `/rooms/${room}/embed-origins`, {
    method: "PUT",
    token: u.token,
    body,
  });

const signUpGuest = (base: string, room: string, displayName: string) =>
  api(base, `/rooms/${room}/guests`, { body: { displayName } });

/** A guest signed up in `room`, as a TestUser (no cookie: guests never get one). */
async function guestOf(base: string, room: string, name = "Gus") {
  const res = await signUpGuest(base, room, name);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { user: res.body.user, token: res.body.token, cookie: "" };
}

Deno.test("embed settings - owners and admins list the sites; members, strangers and bad origins are refused", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const owner = await registerUser(base, "own");
    const member = await registerUser(base, "mem");
    const stranger = await registerUser(base, "str");
    const room = await createRoom(base, owner, HERE);
    await joinRoom(base, member, room.id, HERE);

    const fresh = await api(base, `/rooms/${room.id}/embed-origins`, {
      token: owner.token,
    });
    assert.equal(fresh.status, 200);
    assert.deepEqual(fresh.body, {
      origins: [],
      allowGuests: false,
      venueScreen: false,
    });

    const saved = await putOrigins(base, owner, room.id, {
      origins: [
        VENUE,
        "HTTPS://Venue.Example/",
        "http://localhost:3000",
        "https://127.0.0.1:8443",
      ],
      allowGuests: true,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.match(saved.type, /^application\/json/);
    const expected = {
      origins: [VENUE, "http://localhost:3000", "https://127.0.0.1:8443"],
      allowGuests: true,
      venueScreen: false,
    };
    assert.deepEqual(saved.body, expected, "normalised, without repeats");
    const read = await api(base, `/rooms/${room.id}/embed-origins`, {
      token: owner.token,
    });
    assert.deepEqual(read.body, expected);

    refused(
      await api(base, `/rooms/${room.id}/embed-origins`, {
        token: member.token,
      }),
      403,
      "not_allowed",
    );
    refused(
      await putOrigins(base, member, room.id, { origins: [] }),
      403,
      "not_allowed",
    );
    refused(
      await putOrigins(base, stranger, room.id, { origins: [] }),
      403,
      "not_member",
    );
    refused(
      await api(base, `/rooms/${room.id}/embed-origins`),
      401,
      "unauthorized",
    );
    for (
      const bad of [
        "http://venue.example",
        "https://venue.example/path",
        "https://venue.example?x=1",
        "https://*.venue.example",
        "https://user:pw@venue.example",
        "https://venue.example; script-src *",
        "null",
        "*",
        "ftp://venue.example",
      ]
    ) {
      refused(
        await putOrigins(base, owner, room.id, { origins: [bad] }),
        400,
        "invalid_request",
      );
    }
    const many = Array.from({ length: 21 }, (_, i) => `https://s${i}.example`);
    refused(
      await putOrigins(base, owner, room.id, { origins: many }),
      400,
      "invalid_request",
    );
    const after = await api(base, `/rooms/${room.id}/embed-origins`, {
      token: owner.token,
    });
    assert.deepEqual(after.body, expected, "a refused PUT changes nothing");

    const cleared = await putOrigins(base, owner, room.id, { origins: [] });
    assert.deepEqual(cleared.body, { ...expected, origins: [] }, "flags kept");
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("embed page - frame-ancestors lists the room's sites for /embed only; the widget loads from anywhere", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const owner = await registerUser(base, "own");
    const room = await createRoom(base, owner, HERE, {
      name: "</script><img src=x onerror=alert(1)>",
    });
    await sendMessage(base, owner, room.id, "<b>bold?</b>", "m-1");
    const page = () => fetch(`${base}/embed/rooms/${room.id}`);

    const off = await page();
    assert.equal(off.status, 404, "embedding is off until a site is listed");
    assert.match(
      off.headers.get("content-security-policy") ?? "",
      /frame-ancestors 'none'/,
    );
    await off.body?.cancel();

    await putOrigins(base, owner, room.id, {
      origins: [VENUE, "http://localhost:5173"],
    });
    const on = await page();
    assert.equal(on.status, 200);
    assert.match(on.headers.get("content-type") ?? "", /^text\/html/);
    const csp = on.headers.get("content-security-policy") ?? "";
    assert.match(
      csp,
      /frame-ancestors https:\/\/venue\.example http:\/\/localhost:5173(;|$)/,
    );
    assert.doesNotMatch(csp, /'none'.*frame-ancestors|frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self'/, "the rest of the policy stays");
    assert.equal(on.headers.get("x-frame-options"), null);
    for (const [name] of on.headers) assert.doesNotMatch(name, /^x-vicinity/);
    const html = await on.text();
    assert.ok(
      html.includes("&lt;b>bold?&lt;/b>"),
      "history is server-rendered",
    );
    assert.ok(!html.includes("<b>bold?</b>"), "as text, never markup");
    assert.ok(!html.includes("<img src=x"), "the room name is escaped too");

    // A reader without a session keeps up by asking for what came after their last seq.
    const news = await api(base, `/rooms/${room.id}/embed-messages?after=0`);
    assert.equal(news.status, 200);
    assert.deepEqual(news.body.items.map((m: { text: string }) => m.text), [
      "<b>bold?</b>",
    ]);
    const head = news.body.head.seq;
    const none = await api(
      base,
      `/rooms/${room.id}/embed-messages?after=${head}`,
    );
    assert.deepEqual(none.body.items, []);
    refused(
      await api(base, `/rooms/${room.id}/embed-messages?after=`),
      400,
      "invalid_request",
    );

    const roomPage = await fetch(`${base}/rooms/${room.id}`, {
      headers: { cookie: owner.cookie },
    });
    assert.equal(roomPage.status, 200);
    assert.match(
      roomPage.headers.get("content-security-policy") ?? "",
      /frame-ancestors 'none'/,
    );
    assert.equal(roomPage.headers.get("x-frame-options"), "SAMEORIGIN");
    await roomPage.body?.cancel();

    const widget = await fetch(`${base}/widget.js`);
    assert.equal(widget.status, 200);
    assert.match(widget.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal(
      widget.headers.get("cross-origin-resource-policy"),
      "cross-origin",
      "other sites may load the widget",
    );
    assert.match(await widget.text(), /^\/\*[\s\S]*\(function \(\) \{/);
    const css = await fetch(`${base}/static/app.css`);
    assert.equal(
      css.headers.get("cross-origin-resource-policy"),
      "same-origin",
    );
    await css.body?.cancel();

    await putOrigins(base, owner, room.id, { origins: [] });
    refused(
      await api(base, `/rooms/${room.id}/embed-messages?after=0`),
      404,
      "not_found",
    );
    const offAgain = await page();
    assert.equal(offAgain.status, 404);
    assert.match(
      offAgain.headers.get("content-security-policy") ?? "",
      /frame-ancestors 'none'/,
    );
    await offAgain.body?.cancel();
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("guests - sign up by name where the room allows it, post at once, and are limited per address", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const owner = await registerUser(base, "own");
    const room = await createRoom(base, owner, HERE);
    refused(await signUpGuest(base, room.id, "Gus"), 404, "not_found");
    await putOrigins(base, owner, room.id, { origins: [VENUE] });
    refused(await signUpGuest(base, room.id, "Gus"), 403, "guests_not_allowed");
    await putOrigins(base, owner, room.id, {
      origins: [VENUE],
      allowGuests: true,
    });
    refused(await signUpGuest(base, room.id, "\u202e"), 400, "invalid_request");

    const res = await signUpGuest(base, room.id, "Gus");
    assert.equal(res.status, 201);
    assert.equal(
      res.headers.get("set-cookie"),
      null,
      "the frame holds a token",
    );
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.match(res.body.user.handle, /^guest_[a-z2-9]{6}$/);
    assert.equal(res.body.user.guest, true);
    assert.equal(res.body.user.displayName, "Gus");
    const guest = { user: res.body.user, token: res.body.token, cookie: "" };

    const me = await api(base, "/me", { token: guest.token });
    assert.equal(me.body.guest, true);
    const sent = await sendMessage(
      base,
      guest,
      room.id,
      "hi from a guest",
      "g1",
    );
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.deepEqual(sent.body.author, {
      id: guest.user.id,
      handle: guest.user.handle,
      displayName: "Gus",
      guest: true,
    });
    const members = await api(base, `/rooms/${room.id}/members`, {
      token: owner.token,
    });
    const listed = members.body.items.find((m: { id: string }) =>
      m.id === guest.user.id
    );
    assert.equal(listed?.guest, true, "a member at once, marked guest");
    const login = await api(base, "/auth/login", {
      body: { handle: guest.user.handle, password: PASSWORD },
    });
    refused(login, 401, "bad_credentials");

    // 10 guests per address per hour: this one was the second.
    for (let i = 2; i <= 10; i++) {
      assert.equal((await signUpGuest(base, room.id, `G${i}`)).status, 201);
    }
    refused(await signUpGuest(base, room.id, "G11"), 429, "rate_limited");
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("guests - no DMs, no groups, no rooms, no joins elsewhere; claiming keeps the id and messages", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const owner = await registerUser(base, "own");
    const room = await createRoom(base, owner, HERE);
    const other = await createRoom(base, owner, AWAY);
    await putOrigins(base, owner, room.id, {
      origins: [VENUE],
      allowGuests: true,
    });
    const guest = await guestOf(base, room.id);
    const said = await sendMessage(base, guest, room.id, "before claim", "c1");
    assert.equal(said.status, 201);

    const guestOnly = "guest_not_allowed";
    refused(
      await api(base, "/direct", {
        token: guest.token,
        body: { handle: owner.user.handle },
      }),
      403,
      guestOnly,
    );
    refused(
      await api(base, "/direct", {
        token: owner.token,
        body: { handle: guest.user.handle },
      }),
      403,
      guestOnly,
    );
    refused(
      await api(base, "/groups", {
        token: guest.token,
        body: { name: "Mine", description: "" },
      }),
      403,
      guestOnly,
    );
    refused(
      await api(base, "/rooms", {
        token: guest.token,
        body: {
          name: "Guest room",
          lat: AWAY.lat,
          lng: AWAY.lng,
          radiusM: 300,
          category: "social",
          placement: "map",
        },
      }),
      403,
      guestOnly,
    );
    refused(
      await api(base, `/rooms/${other.id}/join`, {
        token: guest.token,
        body: { ...AWAY, accuracy: 10 },
      }),
      403,
      guestOnly,
    );

    refused(
      await api(base, "/auth/claim", {
        token: owner.token,
        body: { handle: uniqueHandle("cl"), password: PASSWORD },
      }),
      403,
      "not_guest",
    );
    refused(
      await api(base, "/auth/claim", {
        token: guest.token,
        body: { handle: owner.user.handle, password: PASSWORD },
      }),
      409,
      "handle_taken",
    );
    refused(
      await api(base, "/auth/claim", {
        token: guest.token,
        body: { handle: "guest_mine", password: PASSWORD },
      }),
      400,
      "invalid_request",
    );
    const handle = uniqueHandle("kept");
    const claimed = await api(base, "/auth/claim", {
      token: guest.token,
      body: { handle, password: PASSWORD },
    });
    assert.equal(claimed.status, 200, JSON.stringify(claimed.body));
    assert.equal(claimed.body.user.id, guest.user.id, "the same account");
    assert.equal(claimed.body.user.handle, handle);
    assert.equal(claimed.body.user.guest, undefined);

    const me = await api(base, "/me", { token: guest.token });
    assert.equal(me.status, 200, "the guest's session goes on");
    assert.equal(me.body.guest, undefined);
    const login = await api(base, "/auth/login", {
      body: { handle, password: PASSWORD },
    });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.id, guest.user.id);
    const history = await api(base, `/rooms/${room.id}/messages`, {
      token: login.body.token,
    });
    assert.deepEqual(
      history.body.items.map((m: { author: { id: string }; text: string }) => [
        m.author.id,
        m.text,
      ]),
      [[guest.user.id, "before claim"]],
      "its messages stay its own",
    );
    const nowOk = await sendMessage(base, guest, room.id, "after claim", "c2");
    assert.equal(nowOk.status, 201);
    assert.equal(nowOk.body.author.guest, undefined);
    const dm = await api(base, "/direct", {
      token: guest.token,
      body: { handle: owner.user.handle },
    });
    assert.equal(dm.status, 201, "a claimed account may write DMs");
    refused(
      await api(base, "/auth/claim", {
        token: guest.token,
        body: { handle: uniqueHandle("again"), password: PASSWORD },
      }),
      403,
      "not_guest",
    );
    const oldHandle = await api(base, "/auth/register", {
      body: {
        handle: guest.user.handle,
        displayName: "Taker",
        password: PASSWORD,
      },
    });
    assert.equal(oldHandle.status, 201, "the guest handle is free again");
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("embed sockets - a socket from a room's site may use that room, and no other room or inbox", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const owner = await registerUser(base, "own");
    const listed = await createRoom(base, owner, HERE);
    const unlisted = await createRoom(base, owner, HERE);
    const before = await rawUpgrade(base, { origin: VENUE });
    assert.equal(before.status, 403, "no room lists the site yet");
    assert.equal(before.body.error.code, "origin_not_allowed");
    await putOrigins(base, owner, listed.id, { origins: [VENUE] });
    const other = await rawUpgrade(base, { origin: "https://other.example" });
    assert.equal(other.status, 403);
    assert.equal(other.body.error.code, "origin_not_allowed");

    const ws = await openWs(base, {
      origin: VENUE,
      authorization: `Bearer ${owner.token}`,
    });
    try {
      await ws.next((f) => f.type === "ready");
      ws.send({ type: "subscribe", room: listed.id });
      await ws.next((f) => f.type === "subscribed" && f.room === listed.id);
      ws.send({ type: "subscribe", room: unlisted.id });
      const no = await ws.next((f) => f.type === "error");
      assert.equal(no.code, "origin_not_allowed");
      assert.equal(no.room, unlisted.id);
      ws.send({
        type: "message.send",
        room: listed.id,
        text: "from the venue's site",
        clientId: "v-1",
      });
      const ack = await ws.next((f) => f.type === "message.ack");
      assert.equal(ack.message.text, "from the venue's site");
      ws.send({
        type: "message.send",
        room: unlisted.id,
        text: "elsewhere",
        clientId: "v-2",
      });
      const refusedSend = await ws.next((f) => f.type === "error");
      assert.equal(refusedSend.code, "origin_not_allowed");
      assert.equal(refusedSend.clientId, "v-2");
      ws.send({ type: "inbox.subscribe" });
      assert.equal(
        (await ws.next((f) => f.type === "error")).code,
        "origin_not_allowed",
      );
      ws.send({ type: "notifications.subscribe" });
      assert.equal(
        (await ws.next((f) => f.type === "error")).code,
        "origin_not_allowed",
      );
    } finally {
      await ws.close();
    }
    const history = await api(base, `/rooms/${unlisted.id}/messages`, {
      token: owner.token,
    });
    assert.deepEqual(history.body.items, [], "nothing reached the other room");

    const own = await openWs(base, {
      origin: base,
      authorization: `Bearer ${owner.token}`,
    });
    try {
      await own.next((f) => f.type === "ready");
      own.send({ type: "subscribe", room: unlisted.id });
      await own.next((f) => f.type === "subscribed" && f.room === unlisted.id);
    } finally {
      await own.close();
    }

    await putOrigins(base, owner, listed.id, { origins: [] });
    assert.equal((await rawUpgrade(base, { origin: VENUE })).status, 403);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("embed join - guests and venue screens post without a fix; others read by a peek", async () => {
  const server = await startServer();
  const base = server.url;
  try {
    const owner = await registerUser(base, "own");
    const reader = await registerUser(base, "rdr");
    const room = await createRoom(base, owner, HERE);
    const enter = (u: TestUser) =>
      api(base, `/rooms/${room.id}/embed-join`, { token: u.token, body: {} });
    refused(await enter(reader), 404, "not_found");
    await putOrigins(base, owner, room.id, {
      origins: [VENUE],
      allowGuests: true,
    });

    const peek = await enter(reader);
    assert.equal(peek.status, 200);
    assert.deepEqual(peek.body, { access: "reader" });
    const ws = await openWs(base, { authorization: `Bearer ${reader.token}` });
    try {
      await ws.next((f) => f.type === "ready");
      ws.send({ type: "subscribe", room: room.id });
      await ws.next((f) => f.type === "subscribed");
      const cannot = await sendMessage(base, reader, room.id, "hi", "r-1");
      refused(cannot, 403, "not_member");

      const guest = await guestOf(base, room.id);
      assert.deepEqual((await enter(guest)).body, { access: "member" });
      const said = await sendMessage(base, guest, room.id, "guest here", "g-1");
      assert.equal(said.status, 201);
      const live = await ws.next((f) => f.type === "message.new");
      assert.equal(live.message.text, "guest here", "the reader reads live");
      assert.equal(live.message.author.guest, true);
    } finally {
      await ws.close();
    }

    await putOrigins(base, owner, room.id, {
      origins: [VENUE],
      venueScreen: true,
    });
    assert.deepEqual((await enter(reader)).body, { access: "member" });
    const posted = await sendMessage(base, reader, room.id, "on screen", "r-2");
    assert.equal(posted.status, 201, "a venue screen needs no fix");
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
