import assert from "node:assert/strict";
import type { Page } from "./browser.ts";
import type { RoomView } from "../../lib/shared/schemas.ts";
import { uniqueHandle } from "../helpers/api.ts";
import { problemsOn } from "./xss_checks.ts";
import { expectTexts, type Probe, scan, titleOf } from "./xss_probe.ts";
import { EXTRA_ROOMS, type Seeded, updateRoom } from "./xss_seed.ts";

/** The nearby list three times: as created, then after each of two renames of every room. */
export async function checkNearby(p: Probe, s: Seeded) {
  for (let round = 0; round < 3; round++) {
    if (round > 0) {
      await Promise.all(s.extra.map(async (r, i) => {
        const n = (round * EXTRA_ROOMS + i) % (s.roomNames.length - 1);
        const d = (i + round) % s.descriptions.length;
        s.extra[i] = await updateRoom(p.base, s.owners[i], r.id, {
          name: s.roomNames[n],
          description: s.descriptions[d],
        });
      }));
    }
    await p.page.goto(`${p.base}/`);
    await p.page.locator(".room-card").nth(EXTRA_ROOMS).waitFor();
    const rooms = [s.room, ...s.extra];
    const where = `nearby list ${round}`;
    await expectTexts(p, where, ".room-card__name", rooms.map((r) => r.name));
    await expectTexts(
      p,
      where,
      ".room-card__desc",
      rooms.map((r) => r.description),
    );
    await scan(p, where);
  }
}

/** Each extra room's page as someone who has not joined: heading, text, title, Join. */
export async function checkJoinPages(p: Probe, rooms: RoomView[]) {
  for (const r of rooms) {
    await p.page.goto(`${p.base}/rooms/${r.id}`);
    const shown = [
      await p.page.locator(".room-header h1").textContent(),
      await p.page.locator(".room-header__desc").textContent(),
      await p.page.locator("[data-island=JoinRoom] .button--primary")
        .textContent(),
      await p.page.title(),
    ];
    const expected = [r.name, r.description, `Join ${r.name}`, titleOf(r.name)];
    if (JSON.stringify(shown) !== JSON.stringify(expected)) {
      p.problems.push(`join page ${r.id} shows ${JSON.stringify(shown)}`);
    }
    await scan(p, `join page of ${r.id}`);
  }
}

/** Redirect targets that try to leave the site or break out of the form. */
const HOSTILE_NEXT = [
  "javascript:__xssHit('next')",
  '/"><script>__xssHit("next")</script>',
  "//evil.example/",
  "/\\evil.example",
  "/..//evil.example",
  "/%2e%2e//evil.example",
  "data:text/html,<script>__xssHit('next')</script>",
  "/rooms/<svg onload=__xssHit('next')>",
  '/?q="><img src=x onerror=__xssHit("next")>',
  '/#"><img src=x onerror=__xssHit("next")>',
  "/\tjavascript:__xssHit('next')",
];

/** The detector itself: markup injected by hand must be reported, or the test proves nothing. */
export async function checkDetector(p: Probe) {
  await p.page.goto(`${p.base}/login`);
  await p.page.evaluate(() =>
    document.body.insertAdjacentHTML(
      "beforeend",
      `<img src=x onerror="__xssHit('control')"><a href=" javascript:void 0">x</a>`,
    )
  );
  await p.page.waitForFunction(() => globalThis.__xss.length > 0);
  const found = (await problemsOn(p.page, p.watch)).join("\n");
  for (
    const sign of ["payload control ran", "<img>", "onerror", "javascript:"]
  ) {
    assert.ok(found.includes(sign), `the detector reports ${sign}:\n${found}`);
  }
}

/** Submits the form on the page and waits for the answer page. */
async function submit(page: Page, button: string) {
  await Promise.all([
    page.waitForEvent("load"),
    page.getByRole("button", { name: button }).click(),
  ]);
}

/** Sign-in and register with hostile `next` and values, then a hostile name in the banner. */
export async function checkForms(p: Probe, names: string[]) {
  const page = p.page;
  for (const next of HOSTILE_NEXT) {
    for (const form of ["login", "register"]) {
      await page.goto(`${p.base}/${form}?next=${encodeURIComponent(next)}`);
      const kept = await page.locator("input[name=next]").inputValue();
      const link = await page.locator(".auth p.muted a").getAttribute("href");
      for (const url of [kept, link ?? ""]) {
        if (!url.startsWith("/") || new URL(url, p.base).origin !== p.base) {
          p.problems.push(`${form}?next=${next} leads to ${url}`);
        }
      }
      await scan(p, `${form} page with next=${next}`);
    }
  }
  const badHandle = "<img src=x onerror=__xssHit(9)>";
  await page.goto(
    `${p.base}/login?next=${encodeURIComponent(HOSTILE_NEXT[1])}`,
  );
  await page.getByLabel("Handle", { exact: true }).fill(badHandle);
  await page.getByLabel("Password", { exact: true }).fill("x");
  await submit(page, "Sign in");
  await expectValues(p, "login form", [["#handle", badHandle]]);

  const values: [string, string][] = [
    ["#handle", '"><svg onload=__xssHit(8)>'],
    ["#displayName", names[0]],
  ];
  await page.goto(
    `${p.base}/register?next=${encodeURIComponent(HOSTILE_NEXT[0])}`,
  );
  await page.locator("#handle").fill(values[0][1]);
  await page.locator("#displayName").fill(values[1][1]);
  await page.locator("#password").fill("correct horse battery");
  await submit(page, "Create account");
  await expectValues(p, "register form", values);

  const landing = '/rooms/x"><script>__xssHit("landing")</script>';
  await page.goto(`${p.base}/register?next=${encodeURIComponent(landing)}`);
  await page.locator("#handle").fill(uniqueHandle("form"));
  await page.locator("#displayName").fill(names[1]);
  await page.locator("#password").fill("correct horse battery");
  await submit(page, "Create account");
  if (new URL(page.url()).origin !== p.base) {
    p.problems.push(`registration led to ${page.url()}`);
  }
  await expectTexts(p, "banner", ".nav__name", [names[1]]);
  await scan(p, "page after registering");
  for (
    const path of [
      "/rooms/%3Cscript%3E__xssHit(7)%3C%2Fscript%3E",
      "/%3Csvg%20onload%3D__xssHit(6)%3E",
    ]
  ) {
    await page.goto(`${p.base}${path}`);
    await scan(p, `error page ${path}`);
  }
}

/** The re-rendered form keeps the values typed, as values. */
async function expectValues(
  p: Probe,
  where: string,
  values: [string, string][],
) {
  for (const [selector, value] of values) {
    const shown = await p.page.locator(selector).inputValue();
    if (shown !== value) {
      p.problems.push(`${where}: ${selector} holds ${JSON.stringify(shown)}`);
    }
  }
  await scan(p, where);
}
