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
import { grantSiteRole } from "../helpers/moderation.ts";
import { startServer } from "../helpers/server.ts";
import {
  type Browser,
  ensureIslandsBuilt,
  HERE,
  launchChromium,
  messageIn,
  openRoom,
  type Page,
  TIMEOUT_MS,
  waitForMessage,
} from "./browser.ts";

const AT = { lat: HERE.latitude, lng: HERE.longitude };
/** The word the server is started with as a flag word. */
const FLAG_WORD = "zorblax";

/** "Test sam_… @sam_…", as the pages name someone. */
const label = (u: TestUser) => `${u.user.displayName} @${u.user.handle}`;

/** A signed-in profile whose CSP lets the test inject axe (the app's own CSP stays on). */
async function signedIn(browser: Browser, base: string, user: TestUser) {
  const context = await browser.newContext({
    bypassCSP: true,
    geolocation: HERE,
    permissions: ["geolocation"],
    viewport: { width: 420, height: 860 },
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  const [name, value] = user.cookie.split("=");
  await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();
  page.on("dialog", (d) => {
    d.dismiss();
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  return page;
}

/** Runs axe (WCAG 2 A/AA) on the page and fails with what it found. */
async function assertAccessible(page: Page, where: string) {
  await page.addScriptTag({ content: axe.source });
  const found: string[] = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] },
    });
    // deno-lint-ignore no-explicit-any
    return result.violations.map((v: any) =>
      `${v.id}: ${v.help} at ${JSON.stringify(v.nodes[0]?.target)}`
    );
  });
  assert.deepEqual(found, [], `${where}:\n${found.join("\n")}`);
}

/** The member panel's row of one person. */
function rowOf(page: Page, who: TestUser) {
  return page.getByRole("region", { name: "Members" }).getByRole("listitem")
    .filter({ hasText: `@${who.user.handle}` });
}

Deno.test("moderation ui - reporting, room moderation and the site queue, as people use them", async (t) => {
  await ensureIslandsBuilt();
  const server = await startServer({ VICINITY_FLAG_WORDS: FLAG_WORD });
  let browser: Browser | undefined;
  try {
    const olga = await registerUser(server.url, "olga");
    const mia = await registerUser(server.url, "mia");
    const sam = await registerUser(server.url, "sam");
    const max = await registerUser(server.url, "max");
    const room = await createRoom(server.url, olga, AT, { name: "Plaza" });
    await joinRoom(server.url, mia, room.id, AT);
    await joinRoom(server.url, sam, room.id, AT);
    const spam = "Buy cheap watches at my stall";
    assert.equal(
      (await sendMessage(server.url, sam, room.id, spam, "s1"))
        .status,
      201,
    );
    const flagged = `${FLAG_WORD} tonight, everyone`;
    assert.equal(
      (await sendMessage(server.url, sam, room.id, flagged, "s2")).status,
      201,
    );

    browser = await launchChromium();
    const miaPage = await signedIn(browser, server.url, mia);
    const olgaPage = await signedIn(browser, server.url, olga);

    await t.step(
      "a member reports a message; the owner resolves it from the room's panel",
      async () => {
        await openRoom(miaPage, server.url, room.id);
        await waitForMessage(miaPage, spam);
        await messageIn(miaPage, spam).getByLabel("Message actions").click();
        await messageIn(miaPage, spam).getByRole("button", { name: "Report…" })
          .click();
        const dialog = miaPage.getByRole("dialog", {
          name: `Report a message from ${label(sam)}`,
        });
        await dialog.getByText(spam).waitFor();
        await dialog.getByLabel("Reason").selectOption("spam");
        await dialog.getByLabel("Note (optional)").fill("Same ad every hour");
        await dialog.getByRole("button", { name: "Send report" }).click();
        await dialog.getByText(
          "Thank you. Your report was sent to the moderators.",
        ).waitFor();
        await dialog.getByRole("button", { name: "Close" }).click();
        await dialog.waitFor({ state: "detached" });

        await openRoom(olgaPage, server.url, room.id);
        await olgaPage.getByRole("button", { name: "Moderation" }).click();
        const panel = olgaPage.getByRole("region", { name: "Moderation" });
        const report = panel.getByRole("article").filter({ hasText: spam });
        await report.getByText(`Reported by @${mia.user.handle} · Spam`)
          .waitFor();
        await report.getByText("Note: Same ad every hour").waitFor();
        await report.getByRole("button", { name: "Resolve" }).click();
        await panel.getByText("Report resolved.").waitFor();
        await report.waitFor({ state: "detached" });
        await assertAccessible(olgaPage, "the room's moderation panel");

        const resolved = await api(
          server.url,
          `/moderation/reports?status=resolved&room=${room.id}`,
          { token: olga.token },
        );
        assert.equal(resolved.status, 200);
        assert.deepEqual(
          resolved.body.items.map((r: { snapshot: string; reason: string }) => [
            r.snapshot,
            r.reason,
          ]),
          [[spam, "spam"]],
        );
      },
    );

    await t.step(
      "the owner mutes a member from the list; the member's page locks live, and unmute frees it",
      async () => {
        await olgaPage.getByRole("button", { name: /online/ }).click();
        const row = rowOf(olgaPage, mia);
        await row.locator("summary", { hasText: "Moderate" }).click();
        await row.getByLabel("Mute for").selectOption("60");
        await row.getByRole("button", { name: `Mute ${label(mia)}` }).click();

        const notice = miaPage.getByText(/^You are muted until \S/);
        await notice.waitFor();
        const box = miaPage.getByLabel("Message", { exact: true });
        assert.equal(await box.isDisabled(), true, "the composer refuses");
        await row.getByText(/muted until/).waitFor();

        await row.getByRole("button", { name: `Unmute ${label(mia)}` }).click();
        await notice.waitFor({ state: "detached" });
        await miaPage.waitForFunction(() =>
          !(document.getElementById("message-input") as HTMLTextAreaElement)
            .disabled
        );
        await box.fill("Thanks for sorting that out");
        await box.press("Enter");
        await waitForMessage(olgaPage, "Thanks for sorting that out");
      },
    );

    await t.step(
      "a site moderator sees an automatic flag on /moderation and shadow-bans its author",
      async () => {
        const refused = await fetch(`${server.url}/moderation`, {
          headers: { cookie: mia.cookie },
        });
        await refused.body?.cancel();
        assert.equal(refused.status, 404, "not there for non-staff");

        await grantSiteRole(server.kvPath, max, "moderator");
        const maxPage = await signedIn(browser!, server.url, max);
        await maxPage.goto(`${server.url}/moderation`);
        await maxPage.getByRole("heading", { level: 1, name: "Moderation" })
          .waitFor();
        const report = maxPage.getByRole("article").filter({
          hasText: flagged,
        });
        await report.getByText("Automatic flag: flagged words (1 hit)")
          .waitFor();
        await report.getByRole("link", { name: "Plaza" }).waitFor();
        await report.getByText(`Account of @${sam.user.handle}`).click();
        await report.getByText(`${label(sam)}: In good standing`).waitFor();
        await report.getByLabel("Reason (for the audit log)").fill("flag spam");
        await report.getByRole("button", { name: `Shadow-ban ${label(sam)}` })
          .click();
        await report.getByText(`${label(sam)}: Shadow-banned`).waitFor();
        await report.getByRole("button", { name: "Lift shadow ban" }).waitFor();

        const audit = maxPage.getByRole("region", { name: "Audit log" });
        const entry = audit.getByRole("listitem").filter({
          hasText: `You shadow-banned ${label(sam)}`,
        });
        await entry.getByText("Reason: flag spam").waitFor();
        // Olga's resolve from the room panel is there too, older.
        await audit.getByText(/resolved a report about/).waitFor();
        await assertAccessible(maxPage, "/moderation");

        const standing = await api(server.url, `/admin/users/${sam.user.id}`, {
          token: max.token,
        });
        assert.equal(standing.status, 200);
        assert.equal(standing.body.shadowBanned, true);
      },
    );
  } finally {
    await browser?.close();
    await server.stop();
  }
});
