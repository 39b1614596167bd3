import assert from "node:assert/strict";
import { formatDistance } from "../../components/format.ts";
import {
  api,
  createRoom,
  registerUser,
  sendMessage,
  type TestUser,
} from "../helpers/api.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import {
  type Browser,
  ensureIslandsBuilt,
  HERE,
  launchChromium,
  openAs,
  type Page,
  roomLog,
  waitForMessage,
} from "./browser.ts";

const AT = { lat: HERE.latitude, lng: HERE.longitude };
const ROOM_URL = /\/rooms\/([0-9A-HJKMNP-TV-Z]{26})$/;

/** A point `north` metres north of HERE (a degree of latitude is about 111.2 km). */
const north = (m: number) => ({ lat: AT.lat + m / 111_195, lng: AT.lng });

/** Runs `fn` with a server whose map has no tiles (nothing reaches the internet) and chromium. */
async function withBrowser(
  fn: (server: TestServer, browser: Browser) => Promise<void>,
) {
  await ensureIslandsBuilt();
  const server = await startServer({ VICINITY_TILE_URL: "off" });
  const browser = await launchChromium();
  try {
    await fn(server, browser);
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** The nearby list's card of a room. */
const cardOf = (page: Page, id: string) => page.locator(`#room-${id}`);

/** A room's marker on the map. */
const markerOf = (page: Page, id: string) =>
  page.locator(`.map path.map-room[data-room="${id}"]`);

/** The position the page uses now, as its "Enter a position by hand" fields show it. */
async function shownPosition(page: Page) {
  return {
    lat: Number(await page.locator("#manual-lat").inputValue()),
    lng: Number(await page.locator("#manual-lng").inputValue()),
  };
}

/** A room's view, as `u` reads it through the API. */
async function roomView(base: string, u: TestUser, id: string) {
  const res = await api(base, `/rooms/${id}`, { token: u.token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

Deno.test("map - markers and radii for nearby rooms; a picked point is searched around and a room created exactly there", async () => {
  await withBrowser(async (server, browser) => {
    const base = server.url;
    const ann = await registerUser(base, "map");
    const inside = await createRoom(base, ann, AT, { name: "Gate cafe" });
    const readable = await createRoom(base, ann, north(600), {
      name: "Park bench",
      radiusM: 200,
      readRadiusM: 1000,
    });
    const outside = await createRoom(base, ann, north(900), {
      name: "Far corner",
      radiusM: 100,
      readRadiusM: 200,
    });

    const page = await openAs(browser, base, ann);
    await page.goto(`${base}/`);
    await page.getByRole("status").getByText(/^Located/).waitFor();
    for (const r of [inside, readable, outside]) {
      await markerOf(page, r.id).waitFor();
    }
    assert.equal(await page.locator(".map path.map-post").count(), 3);
    assert.equal(await page.locator(".map path.map-read").count(), 3);
    assert.equal(await page.locator('[data-point="fix"]').count(), 1);
    const map = page.getByRole("region", { name: /^Map of rooms/ });
    assert.equal(await map.count(), 1, "the map is named for screen readers");

    const card = cardOf(page, inside.id);
    await card.getByText("You're inside — join").waitFor();
    await card.getByText("Radius 300 m", { exact: true }).waitFor();
    await card.getByText("Read radius 600 m", { exact: true }).waitFor();
    await card.getByRole("button", { name: "Join Gate cafe" }).waitFor();
    const peek = cardOf(page, readable.id);
    await peek.getByText("You can read — peek").waitFor();
    await peek.getByRole("button", { name: "Peek Park bench" }).waitFor();
    await cardOf(page, outside.id).getByText("Outside", { exact: true })
      .waitFor();
    assert.equal(
      await cardOf(page, outside.id).getByRole("button").count(),
      0,
      "neither Join nor Peek from outside",
    );

    // A click on the map picks a point: the marker moves there and searches use it.
    const box = (await page.locator(".map").boundingBox())!;
    await page.mouse.click(
      box.x + box.width / 2 + 40,
      box.y + box.height / 2 - 30,
    );
    await page.locator('[data-point="picked"]').waitFor();
    await page.getByText("Using the point picked on the map.").waitFor();
    const picked = await shownPosition(page);
    assert.ok(
      Math.abs(picked.lat - AT.lat) > 1e-4 &&
        Math.abs(picked.lng - AT.lng) > 1e-4,
      `the pick moved the position: ${JSON.stringify(picked)}`,
    );
    const near = await api(
      base,
      `/rooms/nearby?lat=${picked.lat}&lng=${picked.lng}&radius=1000`,
      { token: ann.token },
    );
    const fromPick = near.body.items.find((r: { id: string }) =>
      r.id === inside.id
    );
    await card.getByText(`${formatDistance(fromPick.distanceM)} away`, {
      exact: true,
    }).waitFor();

    // From the keyboard: focus the map, pan with an arrow key, Enter picks the centre.
    await map.focus();
    await map.press("ArrowLeft");
    await map.press("Enter");
    await page.waitForFunction(
      (lng) =>
        Number(
          document.querySelector<HTMLInputElement>("#manual-lng")?.value,
        ) !== lng,
      picked.lng,
    );
    const keyed = await shownPosition(page);
    assert.ok(keyed.lng < picked.lng, "panned west, then picked");

    await page.locator('[data-placement="map"]').waitFor();
    await page.getByLabel("Room name").fill("Picked spot");
    await page.getByRole("button", { name: "Create room here" }).click();
    await page.waitForURL(ROOM_URL);
    const id = ROOM_URL.exec(page.url())![1];
    const created = await roomView(base, ann, id);
    // "here" would have snapped the centre to a ~150 m grid; "map" keeps the pick.
    assert.ok(Math.abs(created.lat - keyed.lat) < 2e-5, `${created.lat}`);
    assert.ok(Math.abs(created.lng - keyed.lng) < 2e-5, `${created.lng}`);

    await page.goto(`${base}/`);
    await page.getByRole("status").getByText(/^Located/).waitFor();
    await markerOf(page, id).waitFor();
    await cardOf(page, id).getByRole("heading", { name: "Picked spot" })
      .waitFor();
  });
});

Deno.test("map - someone inside the read radius but outside the radius peeks and reads the room live, read-only", async () => {
  await withBrowser(async (server, browser) => {
    const base = server.url;
    const ann = await registerUser(base, "own");
    const ben = await registerUser(base, "peek");
    const room = await createRoom(base, ann, north(500), {
      name: "Rooftop",
      radiusM: 100,
      readRadiusM: 2000,
    });
    const first = await sendMessage(
      base,
      ann,
      room.id,
      "Welcome up here",
      "w1",
    );
    assert.equal(first.status, 201);

    const page = await openAs(browser, base, ben);
    await page.goto(`${base}/rooms/${room.id}`);
    await page.getByRole("status").getByText(/^Located/).waitFor();
    await page.getByRole("button", { name: "Join Rooftop" }).click();
    await page.getByRole("alert").getByText(/outside this room's radius.*peek/)
      .waitFor();

    await page.getByRole("button", { name: "Peek" }).click();
    await waitForMessage(page, "Welcome up here");
    await page.getByText("Reading from nearby — come closer to join").waitFor();
    assert.equal(await page.getByLabel("Message", { exact: true }).count(), 0);
    await page.getByRole("status").getByText("Live", { exact: true }).waitFor();
    // Not a member: no member list to open and nothing to leave.
    assert.equal(await page.locator(".chat-bar details.leave").count(), 0);
    assert.equal(await page.getByText(/\d+ online/).count(), 0);

    const later = await sendMessage(base, ann, room.id, "Sunset soon", "w2");
    assert.equal(later.status, 201);
    await waitForMessage(page, "Sunset soon");
    assert.equal(
      (await roomView(base, ann, room.id)).memberCount,
      1,
      "peeking is not joining",
    );
    const post = await sendMessage(base, ben, room.id, "Hi", "b1");
    assert.equal(post.status, 403, "a peek cannot post");
    assert.equal(await roomLog(page).locator(".msg").count(), 2);
  });
});

Deno.test("map - the check-in screen shows the venue code and a visitor far away checks in with it", async () => {
  await withBrowser(async (server, browser) => {
    const base = server.url;
    const ann = await registerUser(base, "venue");
    const cara = await registerUser(base, "visit");
    // Far beyond anyone's fix: only the code lets Cara in.
    const room = await createRoom(base, ann, north(30_000), {
      name: "Jazz cellar",
      radiusM: 50,
      category: "venue",
    });

    const visitor = await openAs(browser, base, cara);
    const refused = await visitor.goto(
      `${base}/rooms/${room.id}/checkin-screen`,
    );
    assert.equal(refused?.status(), 403, "only the room's admins see the code");

    const screen = await openAs(browser, base, ann);
    await screen.goto(`${base}/rooms/${room.id}`);
    await screen.getByRole("link", { name: "Check-in screen" }).click();
    await screen.waitForURL(`${base}/rooms/${room.id}/checkin-screen`);
    await screen.getByRole("heading", { name: "Check in to Jazz cellar" })
      .waitFor();
    await screen.getByText(`${base}/rooms/${room.id}`, { exact: true })
      .waitFor();
    const shown = screen.locator("[data-checkin-code]");
    assert.equal(await shown.getAttribute("aria-live"), "polite");
    const code = (await shown.textContent())!.trim();
    assert.match(code, /^[A-Z0-9]{8}$/);

    await visitor.goto(`${base}/rooms/${room.id}`);
    await visitor.getByLabel("Check-in code").fill("WRONG123");
    await visitor.getByRole("button", { name: "Check in", exact: true })
      .click();
    await visitor.getByRole("alert").getByText(/wrong or too old/).waitFor();
    await visitor.getByLabel("Check-in code").fill(code.toLowerCase());
    await visitor.getByRole("button", { name: "Check in", exact: true })
      .click();
    await visitor.getByLabel("Message", { exact: true }).waitFor();
    assert.equal((await roomView(base, cara, room.id)).memberCount, 2);
  });
});

Deno.test("map - an ended event room says so and offers no composer", async () => {
  await withBrowser(async (server, browser) => {
    const base = server.url;
    const ann = await registerUser(base, "event");
    const room = await createRoom(base, ann, AT, {
      name: "Pop-up talk",
      category: "event",
      expiresAt: new Date(Date.now() + 1_500).toISOString(),
    });
    const said = await sendMessage(base, ann, room.id, "Thanks all", "t1");
    assert.equal(said.status, 201);
    // Wait for the end the way the server sees it, not for a fixed time.
    const deadline = Date.now() + 10_000;
    while (!(await roomView(base, ann, room.id)).ended) {
      assert.ok(Date.now() < deadline, "the event never ended");
      await new Promise((r) => setTimeout(r, 100));
    }

    const page = await openAs(browser, base, ann);
    await page.goto(`${base}/rooms/${room.id}`);
    await waitForMessage(page, "Thanks all");
    await page.getByText("This event has ended — the room is read-only")
      .waitFor();
    assert.equal(await page.getByLabel("Message", { exact: true }).count(), 0);
    assert.equal(
      await page.getByRole("link", { name: "Check-in screen" }).count(),
      0,
    );
  });
});

Deno.test("map - people nearby: one opts in, another finds her by rough distance and messages her", async () => {
  await withBrowser(async (server, browser) => {
    const base = server.url;
    const ann = await registerUser(base, "vis");
    const ben = await registerUser(base, "find");

    const her = await openAs(browser, base, ann);
    await her.goto(`${base}/people`);
    await her.getByRole("status").getByText(/^Located/).waitFor();
    await her.getByLabel("Headline").fill("Mapping the neighbourhood");
    await her.getByLabel("Interests").fill("maps, coffee, Maps");
    await her.getByLabel("Visible for").selectOption("30");
    await her.getByRole("button", { name: "Become visible" }).click();
    await her.getByRole("heading", { name: "You are visible" }).waitFor();
    await her.getByText(/^Visible until .+ \((29|30) more minutes\)$/)
      .waitFor();
    const mine = await api(base, "/me/visibility", { token: ann.token });
    assert.deepEqual(mine.body.interests, ["maps", "coffee"]);

    const him = await openAs(browser, base, ben);
    await him.goto(`${base}/people`);
    await him.getByRole("status").getByText(/^Located/).waitFor();
    const card = him.locator(`[data-person="${ann.user.handle}"]`);
    await card.getByText("Mapping the neighbourhood").waitFor();
    // Only her 1 km grid cell is kept, so the label is whatever bucket its centre falls in.
    const found = await api(
      base,
      `/people/nearby?lat=${AT.lat}&lng=${AT.lng}&radius=2000`,
      { token: ben.token },
    );
    const label = found.body.items[0].distance.label;
    assert.match(label, /^< /);
    await card.getByText(label, { exact: true }).waitFor();
    assert.deepEqual(await card.locator(".tag").allTextContents(), [
      "maps",
      "coffee",
    ]);
    // Being visible invites message requests: no shared room needed.
    await card.getByRole("button", { name: /^Message / }).click();
    await him.waitForURL(ROOM_URL);
    await him.getByText(/request sent/i).first().waitFor();
    await him.getByRole("heading", { level: 1 }).getByText(ann.user.displayName)
      .waitFor();

    await her.getByRole("button", { name: "Stop being visible" }).click();
    await her.getByRole("heading", { name: "Be visible to people nearby" })
      .waitFor();
    const gone = await api(
      base,
      `/people/nearby?lat=${AT.lat}&lng=${AT.lng}&radius=2000`,
      { token: ben.token },
    );
    assert.deepEqual(gone.body.items, []);
  });
});
