import assert from "node:assert/strict";
import {
  api,
  createRoom,
  registerUser,
  sendMessage,
  type TestUser,
} from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";
import {
  type Browser,
  ensureIslandsBuilt,
  HERE,
  launchChromium,
  messageIn,
  openAs,
  openPerson,
  openRoom,
  type Page,
  TIMEOUT_MS,
  waitForMessage,
} from "./browser.ts";

const AT = { lat: HERE.latitude, lng: HERE.longitude };
const FRAME = "iframe[title='Chat (Vicinity)']";
const HOSTILE = "<img src=x onerror=alert(1)>";
const HOSTILE_NAME = "<i>Gus</i>";

/** A third-party website on its own loopback port: pages holding the one script tag. */
type Site = { origin: string; close(): Promise<void> };

/**
 * Serves `/?room=ID` (the inline widget), `/launcher?room=ID` (launcher, dark) and `/blank`
 * (no widget), each a plain page with the one script tag.
 */
function startSite(base: string): Site {
  const page = (body: string) =>
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Venue</title></head><body><h1>The Venue</h1>${body}<p>Footer</p></body></html>`;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const url = new URL(req.url);
      const room = (url.searchParams.get("room") ?? "").replace(/\W/g, "");
      const tag = (extra: string) =>
        `<script src="${base}/widget.js" data-room="${room}" ${extra} async></script>`;
      const pages: Record<string, string> = {
        "/": page(tag("")),
        "/launcher": page(tag('data-mode="launcher" data-theme="dark"')),
        "/blank": page(""),
      };
      const html = pages[url.pathname];
      return html
        ? new Response(html, { headers: { "content-type": "text/html" } })
        : new Response("not here", { status: 404 });
    },
  );
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}

/** An owner's room with a first message, and its embed settings. */
async function venueRoom(base: string, owner: TestUser, origins: string[]) {
  const room = await createRoom(base, owner, AT, { name: "Venue chat" });
  const said = await sendMessage(base, owner, room.id, "Welcome!", "w-1");
  assert.equal(said.status, 201);
  const put = await api(base, `/rooms/${room.id}/embed-origins`, {
    method: "PUT",
    token: owner.token,
    body: { origins, allowGuests: true },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  return room;
}

/** Whether any frame of the page shows the embedded room. */
async function showsRoom(page: Page): Promise<boolean> {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const count = await frame.locator(".embed").count().catch(() => 0);
    if (count > 0) return true;
  }
  return false;
}

Deno.test("embed widget - a guest on another site reads, picks a name and posts; a member sees it live", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  const base = server.url;
  let browser: Browser | undefined;
  const sites: Site[] = [];
  try {
    const owner = await registerUser(base, "own");
    // Two loopback sites: another port is another origin, and only the first is listed.
    const site = startSite(base);
    const elsewhere = startSite(base);
    sites.push(site, elsewhere);
    const room = await venueRoom(base, owner, [site.origin]);
    await sendMessage(base, owner, room.id, HOSTILE, "w-2");

    browser = await launchChromium();
    const member = await openAs(browser, base, owner);
    await openRoom(member, base, room.id);

    const visitor = await openPerson(browser);
    await visitor.goto(`${site.origin}/?room=${room.id}`);
    const frame = visitor.frameLocator(FRAME);
    await frame.getByText("Welcome!", { exact: true }).waitFor();
    await frame.getByText(HOSTILE, { exact: true }).waitFor();
    assert.equal(await frame.locator("img").count(), 0, "text, never markup");
    assert.equal(
      await frame.getByRole("status").textContent(),
      "Reading",
      "a visitor reads before choosing a name",
    );
    await visitor.waitForFunction(
      (sel) =>
        document.querySelector<HTMLIFrameElement>(sel)?.style.height !==
          "480px",
      FRAME,
      { timeout: TIMEOUT_MS },
    );

    // Without a session there is no socket: the reader asks for news every 10 s.
    await sendMessage(base, owner, room.id, "Doors open at 8", "w-3");
    await frame.getByText("Doors open at 8", { exact: true }).waitFor();

    await frame.getByLabel("Your name").fill(HOSTILE_NAME);
    await frame.getByRole("button", { name: "Join the chat" }).click();
    await frame.getByRole("status").getByText("Live", { exact: true })
      .waitFor();
    await frame.getByText("Posting as").waitFor();
    await frame.getByLabel("Message", { exact: true }).fill(
      "Hello from the website",
    );
    await frame.getByLabel("Message", { exact: true }).press("Enter");
    await frame.locator(".embed-msg:not(.embed-msg--sending)")
      .filter({ hasText: "Hello from the website" }).waitFor();

    await waitForMessage(member, "Hello from the website");
    const row = messageIn(member, "Hello from the website");
    assert.equal(await row.getByText("guest", { exact: true }).count(), 1);
    assert.equal(
      await row.locator(".person__name").first().textContent(),
      HOSTILE_NAME,
    );
    assert.equal(await row.locator("i").count(), 0, "a name is text too");

    // The same page on a site the room does not list: frame-ancestors refuses the frame.
    const stranger = await openPerson(browser);
    const refusal = stranger.waitForEvent("console", {
      predicate: (m) => /frame-ancestors/.test(m.text()),
      timeout: TIMEOUT_MS,
    });
    await stranger.goto(`${elsewhere.origin}/?room=${room.id}`);
    await refusal;
    await stranger.locator(FRAME).waitFor({ state: "attached" });
    assert.equal(await showsRoom(stranger), false, "the room is not rendered");
    assert.equal(
      await showsRoom(visitor),
      true,
      "while the listed site shows it",
    );
  } finally {
    await browser?.close();
    for (const s of sites) await s.close();
    await server.stop();
  }
});

Deno.test("embed widget - the launcher opens the room on demand, and the script adds no globals", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  const base = server.url;
  let browser: Browser | undefined;
  let site: Site | undefined;
  try {
    const owner = await registerUser(base, "own");
    site = startSite(base);
    const room = await venueRoom(base, owner, [site.origin]);
    browser = await launchChromium();
    const page = await openPerson(browser);

    await page.goto(`${site.origin}/blank`);
    const before: string[] = await page.evaluate(() => Object.keys(window));
    await page.evaluate(([src, id]) => {
      const s = document.createElement("script");
      s.src = src;
      s.dataset.room = id;
      s.dataset.mode = "launcher";
      s.async = true;
      document.body.appendChild(s);
    }, [`${base}/widget.js`, room.id]);
    const launcher = page.getByRole("button", { name: "Chat" });
    await launcher.waitFor();
    const after: string[] = await page.evaluate(() => Object.keys(window));
    // Child frames show up as window[0], window[1]…: indices, not globals the script made.
    const added = after.filter((k) => !before.includes(k) && !/^\d+$/.test(k));
    assert.deepEqual(added, []);
    assert.equal(await page.locator("iframe").count(), 0, "nothing loads yet");

    await launcher.click();
    assert.equal(await launcher.getAttribute("aria-expanded"), "true");
    await page.frameLocator(FRAME).getByText("Welcome!", { exact: true })
      .waitFor();
    await page.keyboard.press("Escape");
    await page.locator(FRAME).waitFor({ state: "hidden" });
    assert.equal(await launcher.getAttribute("aria-expanded"), "false");

    await page.goto(`${site.origin}/launcher?room=${room.id}`);
    await page.getByRole("button", { name: "Chat" }).click();
    const frame = page.frameLocator(FRAME);
    await frame.getByText("Welcome!", { exact: true }).waitFor();
    assert.equal(
      await frame.locator("html").getAttribute("data-theme"),
      "dark",
      "data-theme reaches the frame",
    );
  } finally {
    await browser?.close();
    await site?.close();
    await server.stop();
  }
});
