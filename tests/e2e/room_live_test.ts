import assert from "node:assert/strict";
import {
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
  waitForMessage,
} from "./browser.ts";

const AT = { lat: HERE.latitude, lng: HERE.longitude };

/** Opens a message's action menu in the room log. */
async function actionsOf(page: Page, text: string) {
  const msg = messageIn(page, text);
  await msg.getByLabel("Message actions").click();
  return msg;
}

async function say(page: Page, text: string) {
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter");
  await waitForMessage(page, text);
}

Deno.test("room live - replies, reactions, edits, pins, deletes and typing reach the other person live", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const annUser = await registerUser(server.url, "ann");
    const benUser: TestUser = await registerUser(server.url, "ben");
    const room = await createRoom(server.url, annUser, AT, {
      name: "Live room",
    });
    await joinRoom(server.url, benUser, room.id, AT);
    // Typists show with the handle nobody else can take.
    const benName = `${benUser.user.displayName} @${benUser.user.handle}`;
    browser = await launchChromium();
    const ann = await openAs(browser, server.url, annUser);
    const ben = await openAs(browser, server.url, benUser);
    await openRoom(ann, server.url, room.id);
    await openRoom(ben, server.url, room.id);
    assert.ok(
      await ann.getByLabel("Message", { exact: true }).evaluate((el) =>
        el === document.activeElement
      ),
      "the composer has the focus on load",
    );

    // Typing, then the message itself.
    await ben.getByLabel("Message", { exact: true }).pressSequentially("Hel");
    await ann.getByText(`${benName} is typing…`).waitFor();
    await ben.getByLabel("Message", { exact: true }).fill("Hello from Ben");
    await ben.getByLabel("Message", { exact: true }).press("Enter");
    await waitForMessage(ann, "Hello from Ben");
    await ann.getByText(`${benName} is typing…`).waitFor({ state: "detached" });

    // A reaction from each side, counted once per person and pressed for the reactor.
    await (await actionsOf(ann, "Hello from Ben")).getByRole("button", {
      name: "React 👍",
    }).click();
    const benChip = messageIn(ben, "Hello from Ben").getByRole("button", {
      name: "👍 1",
    });
    await benChip.waitFor();
    assert.equal(await benChip.getAttribute("aria-pressed"), "false");
    await benChip.click();
    const annChip = messageIn(ann, "Hello from Ben").getByRole("button", {
      name: "👍 2",
    });
    await annChip.waitFor();
    assert.equal(await annChip.getAttribute("aria-pressed"), "true");

    // A reply in a thread shows inline with its link, and as a count on the root.
    await (await actionsOf(ann, "Hello from Ben")).getByRole("button", {
      name: "Reply in thread",
    }).click();
    const thread = ann.getByRole("region", { name: "Thread" });
    await thread.getByText("Hello from Ben", { exact: true }).waitFor();
    await thread.getByLabel("Reply", { exact: true }).fill(
      "Thread reply from Ann",
    );
    await thread.getByLabel("Reply", { exact: true }).press("Enter");
    await thread.getByText("Thread reply from Ann", { exact: true }).waitFor();
    await thread.getByRole("button", { name: "Close thread" }).click();
    await messageIn(ben, "Thread reply from Ann").getByRole("button", {
      name: "↪ in thread",
    }).waitFor();
    await messageIn(ben, "Hello from Ben").getByRole("button", {
      name: "1 reply",
    }).click();
    await ben.getByRole("region", { name: "Thread" }).getByText(
      "Thread reply from Ann",
    ).waitFor();
    // On a phone the thread covers the log; close it to act on the log again.
    await ben.getByRole("button", { name: "Close thread" }).click();

    // Ben edits his message; Ann sees the new text marked as edited.
    await (await actionsOf(ben, "Hello from Ben")).getByRole("button", {
      name: "Edit",
    }).click();
    await ben.getByLabel("Edit message").fill("Hello from Ben, edited");
    await ben.getByLabel("Edit message").press("Enter");
    const edited = messageIn(ann, "Hello from Ben, edited");
    await edited.getByText("(edited)").waitFor();

    // Ann (the owner) pins it; Ben sees the pinned bar.
    await (await actionsOf(ann, "Hello from Ben, edited")).getByRole("button", {
      name: "Pin",
    }).click();
    await ben.locator(".pins__summary").getByText("Hello from Ben, edited")
      .waitFor();

    // Ben deletes his message; Ann sees a tombstone and the text is gone.
    const menu = await actionsOf(ben, "Hello from Ben, edited");
    await menu.getByText("Delete…").click();
    await menu.getByRole("button", { name: "Delete message" }).click();
    await roomLog(ann).getByText("Message deleted").waitFor();
    assert.equal(
      await roomLog(ann).getByText("Hello from Ben, edited").count(),
      0,
    );
  } finally {
    await browser?.close();
    await server.stop();
  }
});

Deno.test("room live - mentions, the member list, read receipts and leaving", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const annUser = await registerUser(server.url, "ann");
    const benUser = await registerUser(server.url, "ben");
    const room = await createRoom(server.url, annUser, AT, {
      name: "Mentions",
    });
    await joinRoom(server.url, benUser, room.id, AT);
    browser = await launchChromium();
    const ann = await openAs(browser, server.url, annUser);
    const ben = await openAs(browser, server.url, benUser);
    await openRoom(ann, server.url, room.id);
    await openRoom(ben, server.url, room.id);

    await say(ann, `Hi @${benUser.user.handle}, welcome`);
    const mention = messageIn(ben, `Hi @${benUser.user.handle}, welcome`);
    await mention.locator(".mention--me").waitFor();
    await ben.getByLabel("1 unread mention").waitFor();
    await ann.getByText(
      `Seen by ${benUser.user.displayName} @${benUser.user.handle}`,
    ).waitFor();

    // The owner posts an announcement; the filter shows only announcements.
    await ann.getByLabel("Category").selectOption("announcement");
    await say(ann, "Doors close at ten");
    await messageIn(ben, "Doors close at ten").getByText("Announcement")
      .waitFor();
    await ben.getByLabel("Show").selectOption("announcement");
    await messageIn(ben, `Hi @${benUser.user.handle}, welcome`).waitFor({
      state: "detached",
    });
    assert.deepEqual(
      await roomLog(ben).locator(".msg__text").allTextContents(),
      ["Doors close at ten"],
    );
    await ben.getByLabel("Show").selectOption("");
    await waitForMessage(ben, `Hi @${benUser.user.handle}, welcome`);

    await ann.getByRole("button", { name: /online/ }).click();
    const members = ann.getByRole("region", { name: "Members" });
    await members.getByText(benUser.user.displayName).waitFor();
    await members.locator(".members .dot--online").first().waitFor();

    await ben.locator(".chat-bar").getByText("Leave", { exact: true }).click();
    await ben.getByRole("button", { name: "Leave room" }).click();
    await ben.waitForURL(`${server.url}/`);
    await members.getByText(benUser.user.displayName).waitFor({
      state: "detached",
    });
  } finally {
    await browser?.close();
    await server.stop();
  }
});
