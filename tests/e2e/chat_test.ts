import assert from "node:assert/strict";
import { startServer } from "../helpers/server.ts";
import {
  type Browser,
  ensureIslandsBuilt,
  HERE,
  launchChromium,
  openPerson,
  registerByForm,
  waitForMessage,
} from "./browser.ts";

const HOSTILE = "<img src=x onerror=alert(1)>";
const ROOM_URL = /\/rooms\/[0-9A-HJKMNP-TV-Z]{26}$/;

Deno.test("chat pages - two people register, meet in a room created here and chat live", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const [ann, ben] = [await openPerson(browser), await openPerson(browser)];
    await registerByForm(ann, server.url, "Ann");
    await registerByForm(ben, server.url, "Ben");

    const roomName = `Gate ${crypto.randomUUID().slice(0, 6)}`;
    await ann.getByRole("status").getByText(/^Located/).waitFor();
    await ann.getByLabel("Room name").fill(roomName);
    await ann.getByLabel("Radius in metres").fill("250");
    await ann.getByRole("button", { name: "Create room here" }).click();
    await ann.waitForURL(ROOM_URL);
    const roomUrl = ann.url();
    await ann.getByRole("heading", { name: roomName, level: 1 }).waitFor();

    await ben.reload();
    await ben.getByRole("heading", { name: roomName }).waitFor();
    await ben.getByRole("button", { name: `Join ${roomName}` }).click();
    await ben.waitForURL(roomUrl);

    await ann.getByRole("status").getByText("Live", { exact: true }).waitFor();
    await ann.getByLabel("Message", { exact: true }).fill("Hello from Ann");
    await ann.getByLabel("Message", { exact: true }).press("Enter");
    await waitForMessage(ben, "Hello from Ann");
    await waitForMessage(ann, "Hello from Ann");

    await ben.getByLabel("Message", { exact: true }).fill("Hi Ann, Ben here");
    await ben.getByRole("button", { name: "Send", exact: true }).click();
    await waitForMessage(ann, "Hi Ann, Ben here");

    await ann.getByLabel("Message", { exact: true }).fill(HOSTILE);
    await ann.getByLabel("Message", { exact: true }).press("Enter");
    await waitForMessage(ben, HOSTILE);
    assert.equal(await ben.locator("main img").count(), 0);

    await ben.reload();
    for (const text of ["Hello from Ann", "Hi Ann, Ben here", HOSTILE]) {
      await waitForMessage(ben, text);
    }
    assert.equal(
      await ben.getByRole("log").locator(".msg").count(),
      3,
      "each message exactly once after reload",
    );
    const html = await (await ben.request.get(roomUrl)).text();
    assert.ok(html.includes("Hi Ann, Ben here"), "history is server-rendered");
    assert.ok(html.includes("&lt;img src=x onerror=alert(1)>"));
    assert.ok(!html.includes(HOSTILE), "hostile text never appears as markup");
  } finally {
    await browser?.close();
    await server.stop();
  }
});

Deno.test("chat pages - a non-member joins from the room link, and a dropped connection resumes without loss or duplicates", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const [ann, cara] = [await openPerson(browser), await openPerson(browser)];
    await registerByForm(ann, server.url, "Ann");
    await registerByForm(cara, server.url, "Cara");
    const api = `${server.url}/api/v1`;
    const room = await (await ann.request.post(`${api}/rooms`, {
      data: {
        name: "Link room",
        lat: HERE.latitude,
        lng: HERE.longitude,
        radiusM: 200,
        category: "event",
      },
    })).json();
    const say = (text: string) =>
      ann.request.post(`${api}/rooms/${room.id}/messages`, {
        data: { text, clientId: crypto.randomUUID() },
      });
    await say("Before Cara joined");

    await cara.goto(`${server.url}/rooms/${room.id}`);
    await cara.getByRole("status").getByText(/^Located/).waitFor();
    await cara.getByRole("button", { name: "Join Link room" }).click();
    await waitForMessage(cara, "Before Cara joined");
    await cara.getByRole("status").getByText("Live", { exact: true }).waitFor();

    await cara.context().setOffline(true);
    await cara.getByRole("status").getByText("Offline — reconnecting…")
      .waitFor();
    await cara.getByLabel("Message", { exact: true }).fill(
      "Sent while offline",
    );
    await cara.getByLabel("Message", { exact: true }).press("Enter");
    await cara.getByText("Sending…").waitFor();
    await say("While Cara was away");
    await cara.context().setOffline(false);

    await cara.getByRole("status").getByText("Live", { exact: true }).waitFor();
    await waitForMessage(cara, "While Cara was away");
    await waitForMessage(cara, "Sent while offline");
    const shown = await cara.getByRole("log").locator(".msg__text")
      .allTextContents();
    assert.deepEqual(shown, [
      "Before Cara joined",
      "While Cara was away",
      "Sent while offline",
    ]);
    const stored = await (await ann.request.get(
      `${api}/rooms/${room.id}/messages`,
    )).json();
    assert.deepEqual(
      stored.items.map((m: { text: string }) => m.text),
      shown,
      "the re-sent message is stored once",
    );
  } finally {
    await browser?.close();
    await server.stop();
  }
});
