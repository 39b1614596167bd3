import assert from "node:assert/strict";
import {
  api,
  createRoom,
  joinRoom,
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
  openRoom,
  type Page,
  roomLog,
  waitForMessage,
} from "./browser.ts";

const AT = { lat: HERE.latitude, lng: HERE.longitude };
const OUTGOING_NOTE =
  "Message request sent — you can send one message until they accept.";

/** Types a message into the room's composer and sends it with Enter. */
async function type(page: Page, text: string) {
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter");
}

/** Opens the member panel (the "N online" button) and answers it. */
async function openMembers(page: Page) {
  await page.getByRole("button", { name: /online/ }).click();
  return page.getByRole("region", { name: "Members" });
}

/** The member panel's row of one person. */
function rowOf(members: ReturnType<Page["getByRole"]>, who: TestUser) {
  return members.getByRole("listitem").filter({
    hasText: `@${who.user.handle}`,
  });
}

Deno.test("conversation ui - Message from a shared room starts a request the other accepts, then both chat live", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const annUser = await registerUser(server.url, "ann");
    const benUser = await registerUser(server.url, "ben");
    const room = await createRoom(server.url, annUser, AT, { name: "Hall" });
    await joinRoom(server.url, benUser, room.id, AT);
    browser = await launchChromium();
    const ann = await openAs(browser, server.url, annUser);
    const ben = await openAs(browser, server.url, benUser);

    await openRoom(ann, server.url, room.id);
    const members = await openMembers(ann);
    await rowOf(members, benUser).getByRole("button", { name: /^Message/ })
      .click();
    await ann.waitForURL((u) =>
      /^\/rooms\/[0-9A-Z]{26}$/.test(u.pathname) &&
      u.pathname !== `/rooms/${room.id}`
    );
    const dmUrl = ann.url();
    // The heading and title name the other person, with their handle.
    await ann.getByRole("heading", {
      level: 1,
      name: `${benUser.user.displayName} @${benUser.user.handle}`,
    }).waitFor();
    assert.equal(
      await ann.title(),
      `${benUser.user.displayName} @${benUser.user.handle} · Vicinity`,
    );
    await ann.getByRole("status").getByText("Live", { exact: true }).waitFor();
    await ann.getByText(OUTGOING_NOTE).waitFor();

    await type(ann, "Hi Ben, we met in the hall");
    await waitForMessage(ann, "Hi Ben, we met in the hall");
    // A second message is refused until Ben accepts, and the page says why.
    await type(ann, "Are you there?");
    await ann.getByRole("alert").getByText(
      "Not sent: Wait until they accept your message request",
    ).waitFor();

    await ben.goto(dmUrl);
    await ben.getByRole("status").getByText("Live", { exact: true }).waitFor();
    const request = ben.getByRole("region", { name: "Message request" });
    await request.getByText(
      `${annUser.user.displayName} @${annUser.user.handle} wants to message you.`,
    ).waitFor();
    await waitForMessage(ben, "Hi Ben, we met in the hall");
    await request.getByRole("button", { name: "Accept" }).click();
    await request.waitFor({ state: "detached" });

    // Ann's page learns of the acceptance live: the note and the lasting refusal go, and
    // the refused message can be sent again.
    await ann.getByText(OUTGOING_NOTE).waitFor({ state: "detached" });
    await ann.getByRole("alert").filter({ hasText: "Not sent" }).waitFor({
      state: "detached",
    });
    await roomLog(ann).locator(".msg--failed").getByRole("button", {
      name: "Retry",
    }).click();
    await waitForMessage(ben, "Are you there?");

    await type(ben, "Hello Ann!");
    await waitForMessage(ann, "Hello Ann!");
    await type(ann, "Great to hear from you");
    await waitForMessage(ben, "Great to hear from you");
    await waitForMessage(ann, "Great to hear from you");
  } finally {
    await browser?.close();
    await server.stop();
  }
});

Deno.test("conversation ui - a group owner adds people and makes a member admin; the member's page follows live", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const annUser = await registerUser(server.url, "ann");
    const benUser = await registerUser(server.url, "ben");
    const caraUser = await registerUser(server.url, "cara");
    const made = await api(server.url, "/groups", {
      token: annUser.token,
      body: { name: "Climbers" },
    });
    assert.equal(made.status, 201);
    const groupId: string = made.body.id;
    const added = await api(server.url, `/rooms/${groupId}/members`, {
      token: annUser.token,
      body: { handle: caraUser.user.handle },
    });
    assert.equal(added.status, 200);

    browser = await launchChromium();
    const ann = await openAs(browser, server.url, annUser);
    await openRoom(ann, server.url, groupId);
    await ann.getByRole("heading", { level: 1, name: "Climbers" }).waitFor();
    const annMembers = await openMembers(ann);
    await rowOf(annMembers, caraUser).waitFor();
    // An unknown handle is refused with the server's message.
    await annMembers.getByLabel("Add people by handle").fill("nobody_here_x");
    await annMembers.getByRole("button", { name: "Add", exact: true }).click();
    await annMembers.getByRole("alert").getByText("User not found").waitFor();
    await annMembers.getByLabel("Add people by handle").fill(
      benUser.user.handle,
    );
    await annMembers.getByRole("button", { name: "Add", exact: true }).click();
    await rowOf(annMembers, benUser).waitFor();
    await annMembers.getByText(`Added @${benUser.user.handle}.`).waitFor();

    const ben = await openAs(browser, server.url, benUser);
    await openRoom(ben, server.url, groupId);
    const benMembers = await openMembers(ben);
    await rowOf(benMembers, caraUser).waitFor();
    await rowOf(benMembers, annUser).locator(".badge", { hasText: "Owner" })
      .waitFor();
    // A member may not remove anyone, add people or change roles.
    assert.equal(
      await benMembers.getByRole("button", { name: /^Remove/ }).count(),
      0,
    );
    assert.equal(
      await benMembers.getByLabel("Add people by handle").count(),
      0,
    );
    assert.equal(await benMembers.getByLabel(/^Role of/).count(), 0);

    // Ann makes Ben an admin from her member list; Ben's page updates without a reload.
    await rowOf(annMembers, benUser).getByLabel(/^Role of/).selectOption(
      "admin",
    );
    await rowOf(benMembers, benUser).locator(".badge", { hasText: "Admin" })
      .waitFor();
    await benMembers.getByLabel("Add people by handle").waitFor();
    // An admin removes members only: Cara, not Ann the owner.
    await rowOf(benMembers, caraUser).getByRole("button", { name: /^Remove/ })
      .waitFor();
    assert.equal(
      await rowOf(benMembers, annUser).getByRole("button", { name: /^Remove/ })
        .count(),
      0,
    );
    assert.equal(
      await benMembers.getByRole("button", { name: /^Remove/ }).count(),
      1,
    );
    await rowOf(annMembers, benUser).locator(".badge", { hasText: "Admin" })
      .waitFor();

    // Ben removes Cara; both lists drop her live.
    await rowOf(benMembers, caraUser).getByRole("button", { name: /^Remove/ })
      .click();
    await rowOf(annMembers, caraUser).waitFor({ state: "detached" });
    await rowOf(benMembers, caraUser).waitFor({ state: "detached" });

    // The last owner cannot leave: the server's reason is shown.
    await ann.locator(".chat-bar").getByText("Leave", { exact: true }).click();
    await ann.getByRole("button", { name: "Leave group" }).click();
    await ann.locator(".chat-bar__notice").getByText(/owner/i).waitFor();
    assert.match(new URL(ann.url()).pathname, new RegExp(`/rooms/${groupId}$`));
  } finally {
    await browser?.close();
    await server.stop();
  }
});

Deno.test("conversation ui - blocking someone from the member list collapses their messages, and Settings unblocks", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const annUser = await registerUser(server.url, "ann");
    const benUser = await registerUser(server.url, "ben");
    const room = await createRoom(server.url, annUser, AT, { name: "Square" });
    await joinRoom(server.url, benUser, room.id, AT);
    const said = await sendMessage(
      server.url,
      annUser,
      room.id,
      "Ann was here",
      "ann-1",
    );
    assert.equal(said.status, 201);

    browser = await launchChromium();
    const ben = await openAs(browser, server.url, benUser);
    await openRoom(ben, server.url, room.id);
    await waitForMessage(ben, "Ann was here");
    const members = await openMembers(ben);
    await rowOf(members, annUser).getByRole("button", { name: /^Block/ })
      .click();
    await rowOf(members, annUser).getByRole("button", { name: /^Unblock/ })
      .waitFor();
    await members.getByRole("button", { name: "Close" }).click();

    const placeholders = roomLog(ben).locator(".msg--blocked");
    await placeholders.first().getByText("Message from a blocked user")
      .waitFor();
    assert.equal(await roomLog(ben).getByText("Ann was here").count(), 0);

    // New messages from Ann arrive collapsed too.
    await sendMessage(server.url, annUser, room.id, "Still here", "ann-2");
    await placeholders.nth(1).waitFor();
    assert.equal(await roomLog(ben).getByText("Still here").count(), 0);

    // Show reveals one message, for this view only.
    await placeholders.first().getByRole("button", { name: "Show" }).click();
    await waitForMessage(ben, "Ann was here");
    assert.equal(await placeholders.count(), 1);
    await ben.reload();
    await ben.getByRole("status").getByText("Live", { exact: true }).waitFor();
    assert.equal(await placeholders.count(), 2, "collapsed again on reload");
    assert.equal(await roomLog(ben).getByText("Ann was here").count(), 0);

    // Settings lists the block; unblocking there brings the messages back.
    await ben.goto(`${server.url}/settings`);
    const section = ben.getByRole("region", { name: "Blocked people" });
    await section.getByText(`@${annUser.user.handle}`).waitFor();
    await section.getByRole("button", { name: /^Unblock/ }).click();
    await ben.getByText("That person is unblocked.").waitFor();
    await section.getByText("You have not blocked anyone.").waitFor();
    await openRoom(ben, server.url, room.id);
    await waitForMessage(ben, "Ann was here");
    await waitForMessage(ben, "Still here");
    assert.equal(await placeholders.count(), 0);
    assert.ok(messageIn(ben, "Still here"));
  } finally {
    await browser?.close();
    await server.stop();
  }
});
