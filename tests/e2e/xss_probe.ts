import type { AuthorView } from "../../lib/shared/schemas.ts";
import type { TestUser } from "../helpers/api.ts";
import { type Browser, HERE, type Page, TIMEOUT_MS } from "./browser.ts";
import { problemsOn, type Watch, watchContext } from "./xss_checks.ts";

/** A watched page and where its findings go. */
export type Probe = {
  page: Page;
  watch: Watch;
  base: string;
  problems: string[];
  /** Findings already recorded for the page at its URL. */
  seen: Set<string>;
};

/** A browser context standing HERE, trapped and watched; signed in when given a user. */
export async function probe(
  browser: Browser,
  base: string,
  problems: string[],
  user?: TestUser,
): Promise<Probe> {
  const context = await browser.newContext({
    // The pages' CSP (script-src 'self') would block inline script on its own; bypassing it
    // makes this test of the escaping itself, so one layer failing cannot hide behind the other.
    bypassCSP: true,
    geolocation: HERE,
    permissions: ["geolocation"],
    viewport: { width: 420, height: 860 },
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  const watch = await watchContext(context, base);
  if (user) {
    const [name, value] = user.cookie.split("=");
    await context.addCookies([{ name, value, url: base }]);
  }
  const page = await context.newPage();
  return { page, watch, base, problems, seen: new Set() };
}

/** Records what the page ran or built from user text, once each while the page stays. */
export async function scan(p: Probe, label: string) {
  for (const found of await problemsOn(p.page, p.watch)) {
    const key = `${p.page.url()} ${found}`;
    if (!p.seen.has(key)) p.problems.push(`${label}: ${found}`);
    p.seen.add(key);
  }
}

/** Records every expected text the page does not show as text, and every stray one. */
export async function expectTexts(
  p: Probe,
  label: string,
  selector: string,
  expected: string[],
) {
  const shown = await p.page.locator(selector).allTextContents();
  for (const t of expected.filter((t) => !shown.includes(t))) {
    p.problems.push(`${label}: not shown as text: ${JSON.stringify(t)}`);
  }
  for (const t of shown.filter((t) => !expected.includes(t))) {
    p.problems.push(`${label}: shown instead: ${JSON.stringify(t)}`);
  }
}

/** "Ann @ann", as a person's name reads on the page. */
export const label = (u: Pick<AuthorView, "displayName" | "handle">) =>
  `${u.displayName} @${u.handle}`;

/** document.title collapses whitespace. */
export const titleOf = (name: string) =>
  `${name} · Vicinity`.replace(/[\t\n\f\r ]+/g, " ");
