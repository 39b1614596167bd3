import assert from "node:assert/strict";
import { Hono } from "hono";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import type { Config } from "../../lib/config.ts";
import { createEmbeds } from "../../lib/db/embed.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { socketOriginScope } from "../../lib/http/origin.ts";
import { embedsOf } from "../../lib/services/embed.ts";
import { guestHandle } from "../../lib/services/guests.ts";
import { LIMITS } from "../../lib/services/limits.ts";
import { createServices, type Services } from "../../lib/services/mod.ts";
import { parseEmbedOrigin } from "../../lib/shared/embed_schemas.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { openTestStore } from "../helpers/store.ts";

Deno.test("parseEmbedOrigin - https origins and loopback http, normalised; anything more is refused", () => {
  const good: [string, string][] = [
    ["https://venue.example", "https://venue.example"],
    ["https://venue.example/", "https://venue.example"],
    ["HTTPS://Venue.EXAMPLE", "https://venue.example"],
    ["https://venue.example:443", "https://venue.example"],
    ["https://venue.example:8443", "https://venue.example:8443"],
    ["https://bücher.example", "https://xn--bcher-kva.example"],
    ["https://203.0.113.9", "https://203.0.113.9"],
    ["http://localhost", "http://localhost"],
    ["http://localhost:3000", "http://localhost:3000"],
    ["http://127.0.0.1:5173", "http://127.0.0.1:5173"],
    ["http://[::1]:8080", "http://[::1]:8080"],
  ];
  for (const [text, origin] of good) {
    assert.equal(parseEmbedOrigin(text), origin, text);
  }
  const bad = [
    "",
    "venue.example",
    "//venue.example",
    "http://venue.example",
    "http://192.168.1.2",
    "http://localhost.evil.example",
    "https://venue.example/embed",
    "https://venue.example?x",
    "https://venue.example#x",
    "https://venue.example//",
    "https://user@venue.example",
    "https://*.venue.example",
    "https://venue.example.",
    "https://venue_example.com",
    "https://venue.example 'unsafe-inline'",
    "https://venue.example;script-src",
    "https://[2001:db8::1]",
    "ws://localhost",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "null",
    "*",
  ];
  for (const text of bad) assert.equal(parseEmbedOrigin(text), null, text);
});

Deno.test("embeds repo - replacing the sites moves the origin index in the same commit", async () => {
  const store = await openTestStore();
  try {
    const embeds = createEmbeds(store);
    const [a, b] = ["01J0000000000000000000000A", "01J0000000000000000000000B"];
    assert.equal(await embeds.isEmbedOrigin("https://one.example"), false);
    await embeds.setEmbed(a, {
      origins: ["https://one.example", "https://two.example"],
      allowGuests: true,
      venueScreen: false,
    }, "owner");
    await embeds.setEmbed(b, {
      origins: ["https://two.example"],
      allowGuests: false,
      venueScreen: false,
    }, "owner");
    assert.equal(await embeds.listsOrigin(a, "https://one.example"), true);
    assert.equal(await embeds.listsOrigin(b, "https://one.example"), false);
    assert.equal(await embeds.isEmbedOrigin("https://two.example"), true);

    await embeds.setEmbed(a, {
      origins: ["https://three.example"],
      allowGuests: true,
      venueScreen: false,
    }, "owner");
    assert.equal(await embeds.listsOrigin(a, "https://one.example"), false);
    assert.equal(await embeds.isEmbedOrigin("https://one.example"), false);
    assert.equal(await embeds.listsOrigin(a, "https://two.example"), false);
    assert.equal(
      await embeds.isEmbedOrigin("https://two.example"),
      true,
      "b still lists it",
    );
    assert.deepEqual((await embeds.getEmbed(a))?.origins, [
      "https://three.example",
    ]);
  } finally {
    store.kv.close();
  }
});

/** A tiny app answering socketOriginScope for the Origin header, over the given services. */
function scopeApp(services: Services, allowedOrigins: string[]) {
  const config = { publicOrigin: null, allowedOrigins } as unknown as Config;
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set("services", services);
      c.set("config", config);
      await next();
    })
    .get(
      "/",
      async (c) =>
        c.json({
          scope: await socketOriginScope(c, c.req.header("origin") ?? ""),
        }),
    );
}

Deno.test("socketOriginScope - own and configured origins reach everything, listed sites their rooms, others nothing", async () => {
  const store = await openTestStore();
  try {
    const services = createServices(store, { sessionTtlMs: 3_600_000 });
    await createEmbeds(store).setEmbed("01J0000000000000000000000A", {
      origins: ["https://venue.example"],
      allowGuests: false,
      venueScreen: false,
    }, "owner");
    const app = scopeApp(services, ["https://partner.example"]);
    const scope = async (origin: string) =>
      (await (await app.request("http://vicinity.test/", {
        headers: { origin },
      })).json()).scope;
    assert.equal(await scope("http://vicinity.test"), "any");
    assert.equal(await scope("https://partner.example"), "any");
    assert.equal(await scope("https://venue.example"), "embed");
    assert.equal(await scope("https://elsewhere.example"), null);
    assert.equal(
      await scope("https://VENUE.example"),
      null,
      "only the form browsers send is looked up",
    );
    assert.equal(await scope(`https://${"a".repeat(3000)}.example`), null);
  } finally {
    store.kv.close();
  }
});

Deno.test("guest send limit - a guest sends half as many messages per window as anyone else", async () => {
  const store = await openTestStore();
  try {
    const services = createServices(store, { sessionTtlMs: 3_600_000 });
    const owner = await services.repos.users.createUser({
      handle: "owner",
      displayName: "Owner",
      password: DECOY_HASH,
    });
    const room = await services.rooms.createRoom(owner, {
      name: "Venue",
      description: "",
      lat: 38.72,
      lng: -9.14,
      placement: "map",
      radiusM: 300,
      category: "venue",
    });
    await embedsOf(services).putSettings(owner, room.id, {
      origins: ["https://venue.example"],
      allowGuests: true,
    });
    const signed = await embedsOf(services).signUpGuest(room.id, "Gus", "a1");
    const guest = (await services.repos.users.getUser(signed.user.id))!;
    assert.equal(guest.guest, true);
    const send = (u: typeof owner, i: number) =>
      services.chat.sendMessage(u, room.id, {
        text: `m${i}`,
        clientId: `${u.handle}-${i}`,
        category: "social",
      });
    // The clock stands still: every send falls in one window.
    assert.equal(LIMITS.guestSend.max, LIMITS.send.max / 2);
    for (let i = 0; i < LIMITS.guestSend.max; i++) await send(guest, i);
    await assert.rejects(
      send(guest, LIMITS.guestSend.max),
      (e) => e instanceof AppError && e.status === 429,
    );
    for (let i = 0; i <= LIMITS.guestSend.max; i++) await send(owner, i);
  } finally {
    store.kv.close();
  }
});

Deno.test("guestHandle - guest_ and six letters or digits that do not read alike", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const h = guestHandle();
    assert.match(h, /^guest_[a-km-np-z2-9]{6}$/);
    seen.add(h);
  }
  assert.ok(seen.size > 190, "random, not repeating");
});
