import type { BrowserContext, Page } from "./browser.ts";
import { plainText } from "../../components/format.ts";

declare global {
  /** Calls the page made that it must not have, recorded by the trap. */
  var __xss: string[];
  /** What every payload calls if it runs. */
  var __xssHit: (id: unknown) => void;
}

/**
 * Runs before any page script: records calls of `__xssHit` (what every payload calls when it
 * runs), of the dialogs, and of code built from strings, instead of letting them act.
 * `eval` itself stays: Playwright evaluates through it, and whatever a payload would eval
 * ends in one of the recorded calls anyway.
 */
function installTrap() {
  const hits: string[] = [];
  const hit = (what: string) => void hits.push(what);
  Object.defineProperty(globalThis, "__xss", { value: hits });
  Object.defineProperty(globalThis, "__xssHit", {
    value: (id: unknown) => hit(`payload ${String(id)} ran`),
  });
  const w = globalThis as unknown as Record<string, unknown>;
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    w[name] = (...args: unknown[]) => hit(`${name}(${args.join(",")})`);
  }
  const fakeFunction = (...args: unknown[]) => {
    hit(`Function(${args.join(",").slice(0, 80)})`);
    return () => {};
  };
  Object.defineProperty(Function.prototype, "constructor", {
    value: fakeFunction,
  });
  for (const name of ["setTimeout", "setInterval"] as const) {
    const real = globalThis[name] as (...a: unknown[]) => number;
    w[name] = (code: unknown, ...rest: unknown[]) => {
      if (typeof code === "string") return hit(`${name}("${code}")`), 0;
      return real(code, ...rest);
    };
  }
  document.addEventListener(
    "securitypolicyviolation",
    (e) => hit(`CSP blocked ${e.effectiveDirective}: ${e.sample}`),
  );
  for (const name of ["write", "writeln"] as const) {
    document[name] = (...text: string[]) => hit(`document.${name}(${text})`);
  }
}

/** What a page did that it must not: dialogs, errors, stray requests, navigations away. */
export type Watch = { problems: string[] };

/** Traps sinks in every page of the context and records dialogs, errors and stray requests. */
export async function watchContext(
  context: BrowserContext,
  base: string,
): Promise<Watch> {
  const watch: Watch = { problems: [] };
  const problem = (s: string) => watch.problems.push(s);
  await context.addInitScript(installTrap);
  // Nothing may leave the test server: an injected element would fetch from elsewhere.
  await context.route((url) => url.origin !== base, (route) => {
    problem(`request off-site: ${route.request().url()}`);
    return route.abort();
  });
  context.on("request", (req) => {
    const url = new URL(req.url());
    if (url.origin !== base) return;
    const type = req.resourceType();
    const main = req.isNavigationRequest() &&
      req.frame().parentFrame() === null;
    if (main || url.pathname.startsWith("/static/")) return;
    if (url.pathname.startsWith("/api/v1/") && type !== "document") return;
    problem(`unexpected ${type} request: ${url.pathname}${url.search}`);
  });
  context.on("page", (page) => watchPage(page, problem));
  for (const page of context.pages()) watchPage(page, problem);
  return watch;
}

function watchPage(page: Page, problem: (s: string) => void) {
  page.on("dialog", (d) => {
    problem(`dialog ${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on("pageerror", (err) => problem(`page error: ${err.message}`));
  page.on("console", (msg) => {
    // A refused form answers 400 and Chromium logs that; stray loads are caught as requests.
    if (msg.type() !== "error" || /^Failed to load resource/.test(msg.text())) {
      return;
    }
    problem(`console error: ${msg.text()}`);
  });
}

/** Where in the page an element sits, for messages. */
function describe(el: Element): string {
  const parts: string[] = [];
  for (let e: Element | null = el; e && parts.length < 4; e = e.parentElement) {
    const cls = e.getAttribute("class");
    parts.unshift(cls ? `${e.tagName}.${cls}` : e.tagName);
  }
  return parts.join(" > ");
}

/**
 * Scans the whole document for anything user text could have turned into: trapped calls,
 * on* attributes, script or data URLs, active or foreign elements, and markup inside names.
 */
function scanDocument(): string[] {
  const out: string[] = globalThis.__xss.map((h) => `executed: ${h}`);
  const where = (el: Element) => describe(el);
  const URL_ATTRS =
    /^(href|src|srcset|action|formaction|xlink:href|data|background|poster|ping|cite|codebase)$/i;
  const ACTIVE =
    /^(iframe|frame|frameset|object|embed|applet|base|svg|math|style|img|image|video|audio|source|picture|marquee|template|xmp|plaintext|noscript|isindex|keygen|canvas|animate|set|foreignobject)$/i;
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    // Leaflet draws the map's own SVG and styles; its tooltips are checked as text below.
    if (el.closest(".leaflet-container")) continue;
    // Our own icons carry data-icon; an injected one would still show its on* attributes.
    const icon = tag === "svg" && el.hasAttribute("data-icon");
    if (ACTIVE.test(tag) && !icon) {
      out.push(`element <${tag}> at ${where(el)}`);
    }
    if (tag === "script") {
      const json = el.getAttribute("type") === "application/json" &&
        el.hasAttribute("data-island-props");
      const bundle = el.getAttribute("type") === "module" &&
        /^\/static\/build\/\w+\.js$/.test(el.getAttribute("src") ?? "");
      if (!json && !bundle) out.push(`script at ${where(el)}`);
    }
    if (tag === "meta" && el.hasAttribute("http-equiv")) {
      out.push(`meta refresh at ${where(el)}`);
    }
    if (tag === "link" && !el.getAttribute("href")?.startsWith("/static/")) {
      out.push(`link ${el.getAttribute("href")} at ${where(el)}`);
    }
    for (const a of el.attributes) {
      if (/^on/i.test(a.name) || a.name === "srcdoc" || a.name === "style") {
        out.push(`attribute ${a.name}="${a.value}" on ${where(el)}`);
      }
      // Browsers ignore controls and spaces in a URL's scheme, so the check does too.
      // deno-lint-ignore no-control-regex
      const url = a.value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
      if (URL_ATTRS.test(a.name) && /^(javascript|data|vbscript):/i.test(url)) {
        out.push(`${a.name}="${a.value}" on ${where(el)}`);
      }
    }
  }
  // Message text may hold only the safe markup RichText makes, with web links only.
  for (const el of document.querySelectorAll(".msg__text *, .pins__text *")) {
    const ok = /^(BR|CODE|STRONG|EM|A)$/.test(el.tagName) ||
      (el.tagName === "SPAN" &&
        /^mention( mention--me)?$/.test(el.className)) ||
      el.closest(".person");
    const href = el.getAttribute("href");
    if (!ok || (el.tagName === "A" && !/^https?:\/\//.test(href ?? ""))) {
      out.push(`markup in message text: ${el.outerHTML.slice(0, 120)}`);
    }
  }
  // Names and room texts are plain text: no element inside them at all.
  const plain =
    ".person__name, .person__handle, .nav__name, .room-card__name, " +
    ".room-card__desc, .room-header h1, .room-header__desc, .leaflet-tooltip";
  for (const el of document.querySelectorAll(plain)) {
    const nested = el.firstElementChild;
    if (nested) out.push(`markup inside ${where(el)}: ${nested.outerHTML}`);
  }
  return out;
}

/** Every problem on the page now: what its scan finds and what the watch recorded. */
export async function problemsOn(page: Page, watch: Watch): Promise<string[]> {
  const scanned = await page.evaluate(
    `(() => { ${describe}; return (${scanDocument})(); })()`,
  ) as string[];
  return [...scanned, ...watch.problems.splice(0)];
}

/** A message's text as the page shows it: its markup's words (a <br> adds no text). */
export const shownText = (text: string): string => plainText(text, "");
