import assert from "node:assert/strict";
import {
  api,
  createRoom,
  joinRoom,
  registerUser,
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
  openRoom,
  type Page,
  roomLog,
  TIMEOUT_MS,
  waitForMessage,
} from "./browser.ts";

const AT = { lat: HERE.latitude, lng: HERE.longitude };

/** Pixels between the bottom of the log's content and the bottom of its viewport. */
function gapBelow(page: Page): Promise<number> {
  return roomLog(page).evaluate((el) =>
    el.scrollHeight - el.scrollTop - el.clientHeight
  );
}

async function post(base: string, user: TestUser, room: string, text: string) {
  const res = await api(base, `/rooms/${room}/messages`, {
    token: user.token,
    body: { text, clientId: crypto.randomUUID() },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

Deno.test("room scrolling - a burst keeps the reader at the bottom; scrolling up loads older history in place", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const annUser = await registerUser(server.url, "ann");
    const benUser = await registerUser(server.url, "ben");
    const caraUser = await registerUser(server.url, "cara");
    const room = await createRoom(server.url, annUser, AT, { name: "Busy" });
    await joinRoom(server.url, benUser, room.id, AT);
    await joinRoom(server.url, caraUser, room.id, AT);
    // Two writers, to stay under the per-user send limit.
    for (let i = 1; i <= 70; i++) {
      const writer = i % 2 ? annUser : caraUser;
      await post(server.url, writer, room.id, `history ${i}`);
    }
    browser = await launchChromium();
    const ben = await openAs(browser, server.url, benUser);
    await openRoom(ben, server.url, room.id);
    await waitForMessage(ben, "history 70");
    assert.ok(await gapBelow(ben) < 2, "opens at the newest message");
    assert.equal(await messageIn(ben, "history 20").count(), 0);
    assert.ok(
      await roomLog(ben).locator("ol.timeline").evaluate((ol) =>
        [...ol.children].every((li) => li.tagName === "LI")
      ),
      "the log's list holds only list items",
    );

    // A burst of 20: every one arrives and the reader stays at the bottom.
    for (let i = 1; i <= 20; i++) {
      await post(server.url, caraUser, room.id, `burst ${i}`);
    }
    await waitForMessage(ben, "burst 20");
    await ben.waitForFunction(
      () => {
        const el = document.querySelector(
          '[role="log"][aria-label="Messages"]',
        )!;
        return el.scrollHeight - el.scrollTop - el.clientHeight < 2;
      },
      null,
      { timeout: TIMEOUT_MS },
    );

    // Scrolled up, a new message shows a pill instead of moving the view.
    await roomLog(ben).evaluate((el) => el.scrollTop = el.scrollHeight / 2);
    await post(server.url, annUser, room.id, "while you were reading");
    const pill = ben.getByRole("button", { name: "1 new message ↓" });
    await pill.waitFor();
    assert.ok(await gapBelow(ben) > 100, "the reader's place is kept");
    await pill.click();
    await pill.waitFor({ state: "detached" });
    assert.ok(await gapBelow(ben) < 2);

    // Reaching the top loads the older page above, without moving what is on screen.
    const oldestShown = messageIn(ben, "history 21");
    await oldestShown.waitFor();
    await roomLog(ben).evaluate((el) => el.scrollTop = 0);
    await waitForMessage(ben, "history 1");
    await ben.getByText("This is the start of Busy.").waitFor();
    const top = await oldestShown.evaluate((li) => {
      const log = li.closest('[role="log"]')!;
      return li.getBoundingClientRect().top - log.getBoundingClientRect().top;
    });
    assert.ok(
      Math.abs(top) < 80,
      `the message that was at the top stays there (${top}px)`,
    );
    const texts = await roomLog(ben).locator(".msg__text").allTextContents();
    assert.equal(texts.length, 91);
    assert.equal(texts[0], "history 1");
    assert.equal(new Set(texts).size, texts.length, "no message twice");
  } finally {
    await browser?.close();
    await server.stop();
  }
});
