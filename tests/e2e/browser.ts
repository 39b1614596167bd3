// Test-only packages are imported by full specifier, outside deno.json's import map and
// deno.lock, so `deno task start` never downloads them; tests/deno.lock pins them.
// deno-lint-ignore-file no-import-prefix
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Page,
} from "npm:playwright-core@1.65.1";
import {
  buildIslands,
  ISLAND_BUILD_DIR,
  listIslands,
} from "../../lib/ops/build.ts";
import { type TestUser, uniqueHandle } from "../helpers/api.ts";

/** The playwright-core types the tests use, from the one module that imports it. */
export type { Browser, BrowserContext, Page };

/** Where both test people stand: near the Brandenburg Gate, with a precise fix. */
export const HERE = { latitude: 52.5163, longitude: 13.3777, accuracy: 10 };

/** How long any single wait in the browser may take. */
export const TIMEOUT_MS = 15_000;

const ROOT = new URL("../../", import.meta.url);

/** Builds the island bundles unless every one is already there (`deno task test` builds). */
export async function ensureIslandsBuilt(): Promise<void> {
  for (const name of await listIslands()) {
    try {
      await Deno.stat(new URL(`${ISLAND_BUILD_DIR}/${name}.js`, ROOT));
    } catch {
      await buildIslands();
      return;
    }
  }
}

/** Debian's headless Chromium with the flags that work in a container. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/** A fresh browser profile standing HERE with location allowed, and its one page. */
export async function openPerson(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    geolocation: HERE,
    permissions: ["geolocation"],
    viewport: { width: 420, height: 860 },
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  // Any alert means injected markup ran; fail loudly instead of blocking.
  page.on("dialog", (d) => {
    d.dismiss();
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  return page;
}

/** Registers through the /register form like a person would, ending signed in on "/". */
export async function registerByForm(
  page: Page,
  base: string,
  displayName: string,
): Promise<void> {
  await page.goto(`${base}/register`);
  await page.getByLabel("Handle", { exact: true }).fill(uniqueHandle("e2e"));
  await page.getByLabel("Display name", { exact: true }).fill(displayName);
  await page.getByLabel("Password", { exact: true }).fill(
    "correct horse battery",
  );
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${base}/`);
  await page.getByRole("banner").getByText(displayName, { exact: true })
    .waitFor();
}

/** A fresh profile signed in as a user registered through the API. */
export async function openAs(
  browser: Browser,
  base: string,
  user: TestUser,
): Promise<Page> {
  const page = await openPerson(browser);
  const [name, value] = user.cookie.split("=");
  await page.context().addCookies([{ name, value, url: base }]);
  return page;
}

/** The room's main message log (the thread panel has its own). */
export function roomLog(page: Page) {
  return page.getByRole("log", { name: "Messages" });
}

/** The confirmed (not pending) message in the room's log whose text is exactly `text`. */
export function messageIn(page: Page, text: string) {
  return roomLog(page).locator(".msg:not(.msg--sending):not(.msg--failed)")
    .filter({ has: page.getByText(text, { exact: true }) });
}

/** Waits until a page's chat log shows `text` as a confirmed (not pending) message. */
export async function waitForMessage(page: Page, text: string): Promise<void> {
  await messageIn(page, text).waitFor();
}

/** Opens a room page and waits until its socket is live. */
export async function openRoom(
  page: Page,
  base: string,
  roomId: string,
): Promise<void> {
  await page.goto(`${base}/rooms/${roomId}`);
  await page.getByRole("status").getByText("Live", { exact: true }).waitFor();
}
