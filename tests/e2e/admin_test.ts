import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import axe from "npm:axe-core@4.14.1";
import { keys } from "../../lib/db/keys.ts";
import {
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
  openAs,
  type Page,
  TIMEOUT_MS,
} from "./browser.ts";

const AT = { lat: HERE.latitude, lng: HERE.longitude };
const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Adds counts for an earlier day straight into the server's KV file, as if they had happened. */
async function seedEarlierDay(
  kvPath: string,
  day: string,
  roomId: string,
  messages: number,
) {
  const kv = await Deno.openKv(kvPath);
  try {
    const res = await kv.atomic()
      .sum(keys.statsMessages(day), BigInt(messages))
      .sum(keys.statsRoomMessages(day, roomId), BigInt(messages))
      .sum(keys.statsJoins(day, "networking"), 3n)
      .commit();
    assert.ok(res.ok);
  } finally {
    kv.close();
  }
}

/** The days the messages chart draws a bar for, in order. */
function barDays(page: Page) {
  return page.locator("#chart-messages .chart__bar").evaluateAll((bars) =>
    bars.map((b) => b.getAttribute("data-day"))
  );
}

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

/** A context that may inject axe (the CSP would refuse its script), signed in as `u`. */
async function pageWithAxe(browser: Browser, base: string, u: TestUser) {
  const context = await browser.newContext({
    bypassCSP: true,
    viewport: { width: 420, height: 860 },
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  const [name, value] = u.cookie.split("=");
  await context.addCookies([{ name, value, url: base }]);
  return await context.newPage();
}

Deno.test("admin - a site admin sees the charts and the busiest rooms; others get the 404 page", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  const base = server.url;
  let browser: Browser | undefined;
  try {
    const [admin, ann, plain] = await Promise.all(
      ["boss", "ann", "plain"].map((p) => registerUser(base, p)),
    );
    await grantSiteRole(server.kvPath, admin, "admin");
    const room = await createRoom(base, ann, AT, { name: "Rooftop bar" });
    await joinRoom(base, plain, room.id, AT);
    for (const text of ["One", "Two"]) {
      const res = await sendMessage(base, ann, room.id, text, text);
      assert.equal(res.status, 201);
    }
    const today = dayOf(Date.now());
    const earlier = dayOf(Date.now() - 3 * DAY_MS);
    await seedEarlierDay(server.kvPath, earlier, room.id, 7);

    browser = await launchChromium();
    const page = await pageWithAxe(browser, base, admin);
    const res = await page.goto(`${base}/admin`);
    assert.equal(res?.status(), 200);
    const messages = page.getByRole("figure", { name: "Messages per day" });
    await messages.getByRole("img", { name: "Messages per day" }).waitFor();
    await messages.getByText(/^9 messages in 30 days; the most on /).waitFor();
    // Two days had messages: two bars, on those days, whatever day today is.
    assert.deepEqual(await barDays(page), [earlier, today]);
    assert.equal(
      await page.locator(`#chart-messages .chart__bar[data-day="${today}"]`)
        .getAttribute("data-value"),
      "2",
    );
    // Today three people were active (the admin by opening this page): one point.
    assert.deepEqual(
      await page.locator("#chart-active .chart__point").evaluateAll((ps) =>
        ps.map((
          p,
        ) => [p.getAttribute("data-day"), p.getAttribute("data-value")])
      ),
      [[today, "3"]],
    );
    assert.equal(
      await page.locator('#chart-joins .chart__hbar[data-name="networking"]')
        .getAttribute("data-value"),
      "3",
    );
    const busiest = page.getByRole("table", {
      name: "Rooms with the most messages in the range, busiest first",
    });
    const row = busiest.getByRole("row").filter({ hasText: "Rooftop bar" });
    assert.deepEqual(
      await row.getByRole("cell").allTextContents(),
      ["1", "Proximity room", "9"],
    );
    // The data table stands in for the drawing.
    await messages.getByText("Data table", { exact: true }).click();
    await messages.getByRole("row", { name: `${today} 2` }).waitFor();
    assert.equal(await axeViolations(page), "");

    // A narrower range through the form: only the earlier day's bar.
    await page.getByLabel("From", { exact: true }).fill(earlier);
    await page.getByLabel("To", { exact: true }).fill(earlier);
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(`${base}/admin?from=${earlier}&to=${earlier}`);
    assert.deepEqual(await barDays(page), [earlier]);
    await page.getByText("7 messages in 1 day; the most on").waitFor();

    // A range the server refuses is explained on the form.
    await page.goto(`${base}/admin?from=${today}&to=${earlier}`);
    await page.getByRole("alert").getByText("from must not be after to")
      .waitFor();

    await page.getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: "Users" }).click();
    await page.getByRole("table", { name: "Users, newest first" })
      .getByRole("row").filter({ hasText: `@${admin.user.handle}` })
      .getByText("admin", { exact: true }).waitFor();
    assert.equal(await axeViolations(page), "");
    await page.getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: "Rooms" }).click();
    const roomRow = page.getByRole("table", { name: "Rooms, newest first" })
      .getByRole("row").filter({ hasText: "Rooftop bar" });
    assert.equal(
      (await roomRow.getByRole("cell").allTextContents()).slice(0, 2).join(
        "|",
      ),
      "Proximity|2",
    );

    // Anyone else finds no such page.
    const other = await openAs(browser, base, plain);
    for (const path of ["/admin", "/admin/users", "/admin/rooms"]) {
      const r = await other.goto(`${base}${path}`);
      assert.equal(r?.status(), 404, path);
      await other.getByRole("heading", { name: "Page not found" }).waitFor();
      assert.equal(await other.locator(".chart, .admin-table").count(), 0);
    }
  } finally {
    await browser?.close();
    await server.stop();
  }
});
