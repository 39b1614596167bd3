import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import axe from "npm:axe-core@4.14.1";
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
  type Page,
  roomLog,
  TIMEOUT_MS,
} from "./browser.ts";

const AT = { lat: HERE.latitude, lng: HERE.longitude };

type Violation = { id: string; help: string; nodes: { target: string[] }[] };

/** A signed-in page whose CSP lets the test inject axe (the app's own CSP stays on). */
async function openWithAxe(browser: Browser, base: string, user: TestUser) {
  const context = await browser.newContext({
    bypassCSP: true,
    geolocation: HERE,
    permissions: ["geolocation"],
    viewport: { width: 420, height: 860 },
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  const [name, value] = user.cookie.split("=");
  await context.addCookies([{ name, value, url: base }]);
  return await context.newPage();
}

/** Runs axe on the page (WCAG 2 A/AA rules) and answers the violations. */
async function violations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: axe.source });
  return await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, {
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
}

const describe = (vs: Violation[]) =>
  vs.map((v) => `${v.id}: ${v.help} at ${JSON.stringify(v.nodes[0]?.target)}`)
    .join("\n");

Deno.test("a11y - the chat, its thread and member panels and the nearby page pass axe", async () => {
  await ensureIslandsBuilt();
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const base = server.url;
    const ann = await registerUser(base, "ax");
    const ben = await registerUser(base, "ay");
    const room = await createRoom(base, ann, AT);
    await joinRoom(base, ben, room.id, AT);
    const post = (u: TestUser, text: string, clientId: string, more = {}) =>
      api(base, `/rooms/${room.id}/messages`, {
        token: u.token,
        body: { text, clientId, ...more },
      });
    const first = await post(
      ann,
      "Welcome **all**, see https://a.example",
      "a1",
    );
    await post(ben, `Thanks @${ann.user.handle}`, "b1");
    await post(ben, "A reply", "b2", { threadRoot: first.body.seq });
    await api(base, `/rooms/${room.id}/pins/${first.body.seq}`, {
      method: "PUT",
      token: ann.token,
    });

    const page = await openWithAxe(browser, base, ann);
    await page.goto(`${base}/rooms/${room.id}`);
    await page.getByRole("status").getByText("Live", { exact: true }).waitFor();
    await roomLog(page).getByText("A reply", { exact: true }).waitFor();
    const chat = await violations(page);
    assert.deepEqual(chat, [], describe(chat));

    // The thread panel is part of the screen too.
    await roomLog(page).getByRole("button", { name: "1 reply" }).click();
    await page.getByRole("region", { name: "Thread" }).getByText("A reply")
      .waitFor();
    const thread = await violations(page);
    assert.deepEqual(thread, [], describe(thread));

    // So is the member panel with the viewer's status and reading settings.
    await page.getByRole("button", { name: "Close thread" }).click();
    await page.getByRole("button", { name: /online/ }).click();
    await page.locator(".my-settings input[type=checkbox]:enabled").waitFor();
    const members = await violations(page);
    assert.deepEqual(members, [], describe(members));

    await page.goto(`${base}/`);
    await page.getByRole("heading", { name: "Rooms near you" }).waitFor();
    const nearby = await violations(page);
    assert.deepEqual(nearby, [], describe(nearby));
    await page.context().close();
  } finally {
    await browser.close();
    await server.stop();
  }
});
