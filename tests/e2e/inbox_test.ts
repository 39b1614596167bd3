import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import axe from "npm:axe-core@4.14.1";
import {
  api,
  createRoom,
  joinRoom,
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
  TIMEOUT_MS,
} from "./browser.ts";

const AT = { lat: HERE.latitude, lng: HERE.longitude };
const INBOX_TITLE = "Inbox · Vicinity";

/** Ann and Ben, members of one proximity room, and that room. */
async function neighbours(server: TestServer) {
  const ann = await registerUser(server.url, "ann");
  const ben = await registerUser(server.url, "ben");
  const room = await createRoom(server.url, ann, AT, { name: "Corner cafe" });
  await joinRoom(server.url, ben, room.id, AT);
  return { ann, ben, room };
}

/** Opens (as `from`) the direct conversation with `to`; answers its id. */
async function startDirect(base: string, from: TestUser, to: TestUser) {
  const res = await api(base, "/direct", {
    token: from.token,
    body: { handle: to.user.handle },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.kind, "direct");
  return res.body.id as string;
}

/** Posts a message through the API and checks it was stored. */
async function say(base: string, u: TestUser, room: string, text: string) {
  const res = await sendMessage(base, u, room, text, crypto.randomUUID());
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

/** Opens /inbox and waits until its list is loaded over a live subscription. */
async function openInbox(page: Page, base: string) {
  await page.goto(`${base}/inbox`);
  await page.locator('[data-inbox-state="live"]').waitFor({
    state: "attached",
  });
}

/** The inbox page's main list (requests aside). */
function mainList(page: Page) {
  return page.getByRole("region", { name: "Rooms and conversations" });
}

/** The row of a room or conversation on the inbox page or in the sidebar. */
function rowOf(page: Page, roomId: string) {
  return page.locator(`.inbox-item[data-room="${roomId}"]`);
}

/** Waits until a row's badge reads exactly `n` unread (0: no badge at all). */
async function waitForBadge(page: Page, roomId: string, n: number) {
  await page.waitForFunction(([room, n]) => {
    const row = document.querySelector(`.inbox-item[data-room="${room}"]`);
    const badge = row?.querySelector(".inbox-badge");
    return row !== null &&
      (n === 0 ? badge === null : badge?.textContent === `${n} unread`);
  }, [roomId, n] as const);
}

/** Waits until the tab title is exactly `title`. */
async function waitForTitle(page: Page, title: string) {
  await page.waitForFunction((t) => document.title === t, title);
}

Deno.test("inbox - a new message shows its badge and the tab title live; opening it clears them", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const { ann, ben, room } = await neighbours(server);
    // They share only a proximity room, so Ann's conversation starts as a request.
    const dm = await startDirect(server.url, ann, ben);
    browser = await launchChromium();
    const page = await openAs(browser, server.url, ben);
    await openInbox(page, server.url);
    const annName = ann.user.displayName;
    const requests = page.getByRole("region", { name: "Requests" });
    await requests.getByRole("button", {
      name: `Accept request from ${annName}`,
    }).click();
    await requests.waitFor({ state: "detached" });
    const row = mainList(page).getByRole("listitem").filter({
      has: page.getByText(annName, { exact: true }),
    });
    await row.getByText("DM", { exact: true }).waitFor();
    await waitForBadge(page, dm, 0);
    assert.equal(await page.title(), INBOX_TITLE);

    // Ann writes; Ben's open inbox counts it, previews it and puts it in the title.
    await say(server.url, ann, dm, "Coffee at **3**?");
    await waitForBadge(page, dm, 1);
    await waitForTitle(page, `(1) ${INBOX_TITLE}`);
    await row.getByText("Coffee at 3?", { exact: true }).waitFor();
    await page.getByRole("banner").getByRole("link", { name: "Inbox 1 unread" })
      .waitFor();
    assert.equal(
      await mainList(page).getByRole("listitem").first().getAttribute(
        "data-room",
      ),
      dm,
      "the newest conversation comes first",
    );

    // Opening it reads it: no badge, no count in the title, and the server agrees.
    await row.getByRole("link").click();
    await page.waitForURL(`${server.url}/rooms/${dm}`);
    await page.getByRole("status").getByText("Live", { exact: true }).waitFor();
    await page.locator('[data-inbox-state="live"]').waitFor({
      state: "attached",
    });
    await page.waitForFunction(
      async () => {
        const res = await fetch("/api/v1/inbox/unread");
        return (await res.json()).total === 0;
      },
      undefined,
      { polling: 100 },
    );
    await page.waitForFunction(() => !document.title.startsWith("("));
    assert.equal(
      await page.getByRole("navigation", { name: "My rooms" }).locator(
        ".inbox-badge",
      ).count(),
      0,
    );

    // Wide, the room page lists my rooms beside the chat, the open one highlighted; news
    // elsewhere shows there and in the title.
    await page.setViewportSize({ width: 1280, height: 860 });
    const side = page.getByRole("navigation", { name: "My rooms" });
    await side.locator(`.inbox-item[data-room="${dm}"] [aria-current="page"]`)
      .waitFor();
    await say(server.url, ann, room.id, "Cake is out");
    await waitForBadge(page, room.id, 1);
    await page.waitForFunction(() => document.title.startsWith("(1) "));
    await waitForBadge(page, dm, 0);

    await page.goto(`${server.url}/inbox`);
    await page.locator('[data-inbox-state="live"]').waitFor({
      state: "attached",
    });
    await waitForBadge(page, dm, 0);
    await waitForBadge(page, room.id, 1);
    await waitForTitle(page, `(1) ${INBOX_TITLE}`);
    await page.getByRole("button", { name: "Mark all read" }).click();
    await waitForBadge(page, room.id, 0);
    await waitForTitle(page, INBOX_TITLE);
    await page.reload();
    await page.locator('[data-inbox-state="live"]').waitFor({
      state: "attached",
    });
    await waitForBadge(page, room.id, 0);
    assert.equal(await page.title(), INBOX_TITLE);

    // "Conversations" leaves the proximity room out.
    await page.getByRole("button", { name: "Conversations" }).click();
    const conversations = page.getByRole("region", { name: "Conversations" });
    await conversations.locator(`.inbox-item[data-room="${dm}"]`).waitFor();
    assert.equal(await rowOf(page, room.id).count(), 0);
    await page.context().close();
  } finally {
    await browser?.close();
    await server.stop();
  }
});

Deno.test("inbox - Delete for me removes a conversation; a new message brings it back live", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const { ann, ben } = await neighbours(server);
    const dm = await startDirect(server.url, ann, ben);
    const accepted = await api(server.url, `/direct/${dm}/accept`, {
      method: "POST",
      token: ben.token,
    });
    assert.equal(accepted.status, 204);
    await say(server.url, ann, dm, "First note");
    browser = await launchChromium();
    const page = await openAs(browser, server.url, ben);
    await openInbox(page, server.url);
    await waitForBadge(page, dm, 1);
    await waitForTitle(page, `(1) ${INBOX_TITLE}`);

    await rowOf(page, dm).getByRole("button", {
      name: `Delete for me: ${ann.user.displayName}`,
    }).click();
    await rowOf(page, dm).waitFor({ state: "detached" });
    await waitForTitle(page, INBOX_TITLE);
    // Gone on the server too, not only on this page.
    await page.reload();
    await page.locator('[data-inbox-state="live"]').waitFor({
      state: "attached",
    });
    await mainList(page).getByRole("listitem").first().waitFor();
    assert.equal(await rowOf(page, dm).count(), 0);

    await say(server.url, ann, dm, "Are you still there?");
    await waitForBadge(page, dm, 1);
    await rowOf(page, dm).getByText("Are you still there?", { exact: true })
      .waitFor();
    await waitForTitle(page, `(1) ${INBOX_TITLE}`);

    // What arrives while the connection is down comes with the refetch after reconnecting.
    await page.context().setOffline(true);
    await page.locator('[data-inbox-state="offline"]').waitFor({
      state: "attached",
    });
    await say(server.url, ann, dm, "Hello?");
    await page.context().setOffline(false);
    await waitForBadge(page, dm, 2);
    await rowOf(page, dm).getByText("Hello?", { exact: true }).waitFor();
    await waitForTitle(page, `(2) ${INBOX_TITLE}`);
    await page.context().close();
  } finally {
    await browser?.close();
    await server.stop();
  }
});

Deno.test("inbox - the New message form opens a conversation and explains refusals", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const { ann, ben } = await neighbours(server);
    const stranger = await registerUser(server.url, "cara");
    browser = await launchChromium();
    const page = await openAs(browser, server.url, ben);
    await openInbox(page, server.url);
    await page.getByText("New message", { exact: true }).click();
    const handle = page.getByLabel("Their handle");
    const start = page.getByRole("button", { name: "Start conversation" });

    await handle.fill("nobody_by_that_name");
    await start.click();
    await page.getByText("No one with that handle can be messaged.").waitFor();
    await handle.fill(stranger.user.handle);
    await start.click();
    await page.getByText(/only message people you share a room with/).waitFor();

    await handle.fill(`@${ann.user.handle}`);
    await start.click();
    await page.waitForURL(/\/rooms\/[0-9A-HJKMNP-TV-Z]{26}$/);
    const dm = page.url().split("/").at(-1)!;
    const mine = await api(server.url, `/inbox/${dm}`, { token: ben.token });
    assert.equal(mine.status, 200);
    assert.equal(mine.body.kind, "direct");
    assert.equal(mine.body.request, "outgoing");

    await openInbox(page, server.url);
    await rowOf(page, dm).getByText("Request sent", { exact: true }).waitFor();
    await page.context().close();
  } finally {
    await browser?.close();
    await server.stop();
  }
});

type Violation = { id: string; help: string; nodes: { target: string[] }[] };

/** Runs axe (WCAG 2 A/AA) on the page and answers its violations, described. */
async function axeViolations(page: Page): Promise<string> {
  await page.addScriptTag({ content: axe.source });
  const found: Violation[] = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const result = await (globalThis as any).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] },
    });
    // deno-lint-ignore no-explicit-any
    return result.violations.map((v: any) => ({
      id: v.id,
      help: v.help,
      // deno-lint-ignore no-explicit-any
      nodes: v.nodes.map((n: any) => ({ target: n.target })),
    }));
  });
  return found.map((v) =>
    `${v.id}: ${v.help} at ${JSON.stringify(v.nodes[0]?.target)}`
  ).join("\n");
}

Deno.test("inbox - the inbox page and the rooms column beside a chat pass axe", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const { ann, ben, room } = await neighbours(server);
    const dm = await startDirect(server.url, ann, ben);
    await say(server.url, ann, dm, "A request with a **preview**");
    await say(server.url, ann, room.id, "Unread in the room");
    browser = await launchChromium();
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 420, height: 860 },
    });
    context.setDefaultTimeout(TIMEOUT_MS);
    const [name, value] = ben.cookie.split("=");
    await context.addCookies([{ name, value, url: server.url }]);
    const page = await context.newPage();
    await openInbox(page, server.url);
    await page.getByRole("region", { name: "Requests" }).waitFor();
    await waitForBadge(page, room.id, 1);
    await page.getByText("New message", { exact: true }).click();
    assert.equal(await axeViolations(page), "");

    // On a phone the room page has a "My rooms" link above the chat; wide, a column.
    await page.goto(`${server.url}/rooms/${dm}`);
    await page.getByRole("status").getByText("Live", { exact: true }).waitFor();
    await page.getByRole("navigation", { name: "My rooms" }).locator(
      ".inbox-badge",
    ).waitFor();
    assert.equal(await axeViolations(page), "");
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`${server.url}/rooms/${room.id}`);
    await page.getByRole("status").getByText("Live", { exact: true }).waitFor();
    await page.getByRole("navigation", { name: "My rooms" })
      .locator(`.inbox-item[data-room="${room.id}"]`).waitFor();
    assert.equal(await axeViolations(page), "");
    await context.close();
  } finally {
    await browser?.close();
    await server.stop();
  }
});

Deno.test("inbox - a request waits apart, uncounted, and Decline removes it for good", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const { ann, ben } = await neighbours(server);
    const dm = await startDirect(server.url, ann, ben);
    await say(server.url, ann, dm, "Hi, we met at the cafe");
    browser = await launchChromium();
    const page = await openAs(browser, server.url, ben);
    await openInbox(page, server.url);
    const requests = page.getByRole("region", { name: "Requests" });
    await requests.getByText("Hi, we met at the cafe", { exact: true })
      .waitFor();
    assert.equal(
      await mainList(page).locator(".inbox-item").filter({
        hasText: ann.user.displayName,
      }).count(),
      0,
    );
    assert.equal(await page.title(), INBOX_TITLE, "requests are not unread");
    await requests.getByRole("button", {
      name: `Decline request from ${ann.user.displayName}`,
    }).click();
    await requests.waitFor({ state: "detached" });
    await page.reload();
    await page.locator('[data-inbox-state="live"]').waitFor({
      state: "attached",
    });
    await mainList(page).getByRole("listitem").first().waitFor();
    assert.equal(await rowOf(page, dm).count(), 0);
    const again = await sendMessage(
      server.url,
      ann,
      dm,
      "Hello?",
      crypto.randomUUID(),
    );
    assert.equal(again.status, 403);
    assert.equal(again.body.error.code, "dm_unavailable");
    await page.context().close();
  } finally {
    await browser?.close();
    await server.stop();
  }
});
