import assert from "node:assert/strict";
import { createRoom, joinRoom, registerUser } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";
import { connect, subscribe } from "../helpers/ws.ts";
import {
  type Browser,
  ensureIslandsBuilt,
  HERE,
  launchChromium,
  openAs,
  openRoom,
  type Page,
  roomLog,
  waitForMessage,
} from "./browser.ts";

const AT = { lat: HERE.latitude, lng: HERE.longitude };
const PRIVATE = "Keep my reading private (others won't see when I've read)";

/** Opens the member panel and returns it. */
async function openMembers(page: Page) {
  await page.getByRole("button", { name: /online/ }).click();
  return page.getByRole("region", { name: "Members" });
}

/** The member panel's row of the person named `name`. */
function rowOf(page: Page, name: string) {
  return page.getByRole("region", { name: "Members" }).locator(
    ".members__item",
  ).filter({ hasText: name });
}

async function say(page: Page, text: string) {
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter");
  await waitForMessage(page, text);
}

/** Waits for the answer to the next PUT /api/v1/me/prefs. */
function prefsSaved(page: Page) {
  return page.waitForResponse((r) =>
    r.url().endsWith("/api/v1/me/prefs") && r.request().method() === "PUT"
  );
}

Deno.test("presence - a chosen status reaches the others and is kept across a reload", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const annUser = await registerUser(server.url, "ann");
    const benUser = await registerUser(server.url, "ben");
    const annName = annUser.user.displayName;
    const room = await createRoom(server.url, annUser, AT, { name: "Status" });
    await joinRoom(server.url, benUser, room.id, AT);
    browser = await launchChromium();
    const ann = await openAs(browser, server.url, annUser);
    const ben = await openAs(browser, server.url, benUser);
    await openRoom(ann, server.url, room.id);
    await openRoom(ben, server.url, room.id);

    const annPanel = await openMembers(ann);
    await annPanel.getByLabel("Your status").selectOption("dnd");
    await openMembers(ben);
    await rowOf(ben, annName).getByText("do not disturb").waitFor();

    // Remembered by the browser and told to the new connection after a reload.
    await ann.reload();
    await ann.getByRole("status").getByText("Live", { exact: true }).waitFor();
    const again = await openMembers(ann);
    await again.locator(".my-settings .dot--dnd").waitFor();
    assert.equal(await again.getByLabel("Your status").inputValue(), "dnd");
    await rowOf(ann, `${annName} @${annUser.user.handle} (you)`)
      .getByText("do not disturb").waitFor();
    await rowOf(ben, annName).getByText("do not disturb").waitFor();

    await again.getByLabel("Your status").selectOption("online");
    await rowOf(ben, annName).getByText("online").waitFor();
  } finally {
    await browser?.close();
    await server.stop();
  }
});

Deno.test("presence - private reading keeps a reader out of 'Seen by', and a failed save reverts", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  let cat: Awaited<ReturnType<typeof connect>> | undefined;
  try {
    const annUser = await registerUser(server.url, "ann");
    const benUser = await registerUser(server.url, "ben");
    const catUser = await registerUser(server.url, "cat");
    // Readers show with their handles.
    const [annName, catName] = [annUser, catUser].map(({ user }) =>
      `${user.displayName} @${user.handle}`
    );
    const room = await createRoom(server.url, benUser, AT, { name: "Quiet" });
    await joinRoom(server.url, annUser, room.id, AT);
    await joinRoom(server.url, catUser, room.id, AT);
    browser = await launchChromium();
    const ann = await openAs(browser, server.url, annUser);
    const ben = await openAs(browser, server.url, benUser);
    await openRoom(ann, server.url, room.id);
    await openRoom(ben, server.url, room.id);
    cat = await connect(server.url, catUser);
    await subscribe(cat.ws, room.id);

    // Receipts work: Ann reads Ben's first message and Ben sees it.
    await say(ben, "First from Ben");
    await waitForMessage(ann, "First from Ben");
    await ben.getByText(`Seen by ${annName}`, { exact: true }).waitFor();

    // The server refuses the change: the box goes back and the reason shows.
    const panel = await openMembers(ann);
    const box = panel.getByLabel(PRIVATE);
    await ann.route(
      "**/api/v1/me/prefs",
      (route) =>
        route.request().method() === "PUT"
          ? route.fulfill({
            status: 503,
            contentType: "application/json",
            body: JSON.stringify({
              error: { code: "unavailable", message: "Try again later" },
            }),
          })
          : route.continue(),
    );
    await box.click();
    await panel.getByRole("alert").getByText("Try again later").waitFor();
    assert.equal(await box.isChecked(), false);
    await ann.unroute("**/api/v1/me/prefs");

    const saved = prefsSaved(ann);
    await box.check();
    assert.equal((await saved).status(), 200);
    await panel.getByRole("alert").waitFor({ state: "detached" });
    await panel.getByRole("button", { name: "Close" }).click();

    // Ann reads the next message privately; Cat, reading after her, is the only one listed.
    await say(ben, "Second from Ben");
    const second = await cat.ws.next((f) =>
      f.type === "message.new" && f.message.text === "Second from Ben"
    );
    await waitForMessage(ann, "Second from Ben");
    cat.ws.send({ type: "read.mark", room: room.id, seq: second.seq });
    const seen = roomLog(ben).getByText(/^Seen by /).filter({
      hasText: catName,
    });
    await seen.waitFor();
    assert.equal(await seen.textContent(), `Seen by ${catName}`);

    // After a reload the panel loads the saved preference.
    await ann.reload();
    await ann.getByRole("status").getByText("Live", { exact: true }).waitFor();
    await openMembers(ann);
    await ann.locator(".my-settings input:checked:enabled").waitFor();
  } finally {
    await cat?.ws.close();
    await browser?.close();
    await server.stop();
  }
});
