import assert from "node:assert/strict";
import { createAuditLog } from "../../lib/db/audit.ts";
import { createTestClock } from "../helpers/store.ts";
import { keys } from "../../lib/db/keys.ts";
import { parseAdminArgs } from "../../lib/ops/admin.ts";
import { createServices } from "../../lib/services/mod.ts";
import { createIdFactory, systemClock } from "../../lib/shared/clock.ts";
import { api, registerUser } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";

const ROOT = new URL("../../", import.meta.url);
const PASSWORD = "correct horse battery";

type Run = { code: number; stdout: string; stderr: string };

/** Runs `deno run cli.ts …` against a KV file, as an operator would. */
async function cli(kvPath: string, ...args: string[]): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "cli.ts", ...args],
    cwd: ROOT,
    env: { VICINITY_KV: kvPath, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

const admin = (kvPath: string, ...args: string[]) =>
  cli(kvPath, "admin", ...args);

/** The run's JSON output, once it is known to have succeeded. */
function ok(run: Run) {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

/** Services over the KV file the CLI and the server use, for checking effects. */
async function openServices(kvPath: string) {
  const kv = await Deno.openKv(kvPath);
  const store = { kv, clock: systemClock, newId: createIdFactory() };
  return {
    kv,
    store,
    services: createServices(store, { sessionTtlMs: 3_600_000 }),
  };
}

Deno.test("admin cli - bad arguments exit 2 with the usage on stderr; failures exit 1", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vicinity-admin-" });
  const kvPath = `${dir}/vicinity.kv`;
  (await Deno.openKv(kvPath)).close();
  try {
    const [none, badRole, badId, unknown, unknownJson, noDb] = await Promise
      .all([
        admin(kvPath),
        admin(kvPath, "users", "grant", "ana", "--role", "king"),
        admin(kvPath, "rooms", "show", "not-a-room-id"),
        admin(kvPath, "users", "show", "nobody_here"),
        admin(kvPath, "users", "ban", "nobody_here", "--json"),
        admin(`${dir}/missing/vicinity.kv`, "stats"),
      ]);
    for (
      const [run, said] of [[none, /no command given/], [badRole, /--role/], [
        badId,
        /<id>: must be a ULID/,
      ]] as const
    ) {
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, said);
      assert.match(run.stderr, /Usage: deno task admin/);
      assert.equal(run.stdout, "");
    }
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No user with the handle "nobody_here"/);
    assert.equal(unknownJson.code, 1);
    assert.equal(JSON.parse(unknownJson.stderr).error.code, "not_found");
    assert.equal(noDb.code, 1);
    assert.match(noDb.stderr, /No database at .*missing/);
    await assert.rejects(Deno.stat(`${dir}/missing`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("admin cli - arguments are validated before anything runs", () => {
  const error = (...argv: string[]) => {
    const parsed = parseAdminArgs(argv);
    return "error" in parsed ? parsed.error : null;
  };
  assert.match(error("users", "show")!, /takes <handle>/);
  assert.match(error("users", "show", "a", "b")!, /takes <handle>/);
  assert.match(
    error("users", "list", "--bogus", "1")!,
    /unknown option --bogus/,
  );
  assert.match(error("users", "list", "--limit", "0")!, /--limit/);
  assert.match(
    error("users", "ban", "ana", "--reason")!,
    /--reason needs a value/,
  );
  assert.match(error("users", "ban", "ana", "--reason", "  ")!, /--reason/);
  assert.match(error("rooms", "explode")!, /unknown command "rooms explode"/);
  assert.match(error("stats", "-x")!, /unknown option -x/);
  assert.equal(error("users", "ban", "ana", "--reason=spam", "--json"), null);
  assert.equal(error("stats"), null);
  const parsed = parseAdminArgs(["users", "list", "--json", "--limit=5"]);
  assert.ok(
    !("error" in parsed) && parsed.json && parsed.name === "users list",
  );
});

Deno.test("admin cli - users: list, show, grant, ban, unban and delete against a running server", async () => {
  const server = await startServer();
  const { kv, store, services } = await openServices(server.kvPath);
  const base = server.url;
  try {
    const [ana, ben, cat] = [
      await registerUser(base, "ana"),
      await registerUser(base, "ben"),
      await registerUser(base, "cat"),
    ];
    const handles = (r: Run) =>
      ok(r).items.map((u: { handle: string }) => u.handle);
    const [list, firstPage, show] = await Promise.all([
      admin(server.kvPath, "users", "list", "--json"),
      admin(server.kvPath, "users", "list", "--limit", "2", "--json"),
      admin(server.kvPath, "users", "show", ana.user.handle, "--json"),
    ]);
    assert.deepEqual(
      handles(list),
      [cat.user.handle, ben.user.handle, ana.user.handle],
      "newest first",
    );
    assert.deepEqual(handles(firstPage), [cat.user.handle, ben.user.handle]);
    const cursor = ok(firstPage).cursor;
    const nextPage = admin(
      server.kvPath,
      "users",
      "list",
      "--cursor",
      cursor,
      "--json",
    );
    assert.deepEqual(ok(show), {
      id: ana.user.id,
      handle: ana.user.handle,
      displayName: ana.user.displayName,
      createdAt: ok(show).createdAt,
      siteRole: null,
      banned: false,
      bannedAt: null,
      banReason: null,
      sessions: 1,
    });

    const grant = await admin(
      server.kvPath,
      "users",
      "grant",
      ben.user.handle,
      "--role",
      "moderator",
    );
    assert.equal(grant.code, 0, grant.stderr);
    assert.match(grant.stdout, /now has the role moderator/);
    assert.deepEqual(handles(await nextPage), [ana.user.handle]);
    assert.equal(
      (await services.repos.users.getUser(ben.user.id))?.siteRole,
      "moderator",
    );

    const ban = await admin(
      server.kvPath,
      "users",
      "ban",
      ana.user.handle,
      "--reason",
      "spam links",
    );
    assert.equal(ban.code, 0, ban.stderr);
    assert.match(ban.stdout, /Banned @ana_\w+; 1 session\(s\) revoked/);
    assert.equal((await api(base, "/me", { token: ana.token })).status, 401);
    assert.equal(await services.repos.sessions.getSession(ana.token), null);
    const refused = await api(base, "/auth/login", {
      body: { handle: ana.user.handle, password: PASSWORD },
    });
    assert.equal(refused.status, 403);
    assert.match(refused.type, /^application\/json/);
    assert.equal(refused.body.error.code, "banned");
    // A session made by a sign-in racing the ban is worthless too.
    const raced = await services.repos.sessions.createSession(ana.user.id);
    assert.equal((await api(base, "/me", { token: raced.token })).status, 401);

    const unban = await admin(server.kvPath, "users", "unban", ana.user.handle);
    assert.equal(unban.code, 0, unban.stderr);
    const back = await api(base, "/auth/login", {
      body: { handle: ana.user.handle, password: PASSWORD },
    });
    assert.equal(back.status, 200);
    assert.equal(
      (await api(base, "/me", { token: back.body.token })).status,
      200,
    );

    const del = ok(
      await admin(server.kvPath, "users", "delete", cat.user.handle, "--json"),
    );
    assert.deepEqual(del, {
      id: cat.user.id,
      handle: cat.user.handle,
      deleted: true,
    });
    assert.equal(
      await services.repos.users.getUserByHandle(cat.user.handle),
      null,
    );
    assert.equal(
      await services.repos.deletions.getDeletion(cat.user.id),
      null,
      "the job ran to its end",
    );
    assert.equal((await api(base, "/me", { token: cat.token })).status, 401);

    const log = await createAuditLog(store).list(10);
    assert.deepEqual(
      log.items.map((e) => [e.actor, e.action, e.target]),
      [
        ["cli", "user.delete", `user:${cat.user.id}`],
        ["cli", "user.unban", `user:${ana.user.id}`],
        ["cli", "user.ban", `user:${ana.user.id}`],
        ["cli", "user.grant", `user:${ben.user.id}`],
      ],
    );
    assert.equal(log.items[2].reason, "spam links");
    assert.deepEqual(log.items[3].details, {
      handle: ben.user.handle,
      role: "moderator",
    });
  } finally {
    kv.close();
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("admin cli - seed creates a missing KV folder; rooms list, show, delete; stats; audit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vicinity-admin-" });
  const kvPath = `${dir}/not/yet/vicinity.kv`;
  try {
    const seed = await cli(
      kvPath,
      "seed",
      "--lat",
      "51.5",
      "--lng",
      "-0.12",
      "--rooms",
      "2",
      "--messages",
      "2",
    );
    assert.equal(seed.code, 0, seed.stderr);
    assert.match(seed.stdout, /Seeded 2 rooms and 4 messages/);

    const [stats, list] = await Promise.all([
      admin(kvPath, "stats", "--json"),
      admin(kvPath, "rooms", "list", "--json"),
    ]);
    assert.deepEqual(ok(stats), {
      users: { live: 6, deleted: 0, banned: 0, admins: 0, moderators: 0 },
      rooms: 2,
      messages: 4,
    });
    const rooms = ok(list).items;
    assert.equal(rooms.length, 2);
    const [kept, doomed] = rooms;

    const [show, del, embed, badEmbed] = await Promise.all([
      admin(kvPath, "rooms", "show", kept.id),
      admin(kvPath, "rooms", "delete", doomed.id, "--json"),
      admin(
        kvPath,
        "rooms",
        "embed",
        kept.id,
        "--origins",
        "https://venue.example, http://localhost:8080",
        "--guests",
        "on",
        "--json",
      ),
      admin(kvPath, "rooms", "embed", kept.id, "--origins", "ftp://x"),
    ]);
    assert.deepEqual(ok(embed), {
      id: kept.id,
      origins: ["https://venue.example", "http://localhost:8080"],
      allowGuests: true,
    });
    assert.equal(badEmbed.code, 1);
    assert.match(badEmbed.stderr, /Not an allowed origin: ftp:\/\/x/);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`^id: ${kept.id}$`, "m"));
    assert.match(show.stdout, /^name: .+$/m);
    const deleted = ok(del);
    assert.deepEqual({ ...deleted, keys: undefined }, {
      id: doomed.id,
      name: doomed.name,
      deleted: true,
      keys: undefined,
    });
    assert.ok(deleted.keys > 4, "its messages, log and members went too");

    const { kv, store } = await openServices(kvPath);
    try {
      assert.equal((await kv.get(keys.room(doomed.id))).value, null);
      assert.equal((await kv.get(keys.roomHead(doomed.id))).value, null);
      const pins = await Array.fromAsync(
        kv.list({ prefix: keys.roomsByGeohashPrefix() }),
      );
      assert.deepEqual(pins.map((e) => e.key.at(-1)), [kept.id]);
      const left = await Array.fromAsync(
        kv.list({ prefix: keys.messagesPrefix(doomed.id) }),
      );
      assert.equal(left.length, 0, "its messages are purged with it");
      const log = await createAuditLog(store).list(5);
      assert.deepEqual(
        log.items.map((e) => [e.action, e.target]).sort(),
        [["room.delete", `room:${doomed.id}`], [
          "room.embed",
          `room:${kept.id}`,
        ]].sort(),
      );
    } finally {
      kv.close();
    }

    const [gone, audit] = await Promise.all([
      admin(kvPath, "rooms", "show", doomed.id),
      admin(kvPath, "audit", "list"),
    ]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No room with the id/);
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(
      audit.stdout,
      new RegExp(`cli  room\\.delete  room:${doomed.id}`),
    );

    // Closing ends a room now; exporting prints a user's data document.
    const [closed, exported] = await Promise.all([
      admin(kvPath, "rooms", "close", kept.id, "--json"),
      admin(kvPath, "users", "export", "demo_ana", "--json"),
    ]);
    assert.equal(ok(closed).id, kept.id);
    const after = ok(await admin(kvPath, "rooms", "show", kept.id, "--json"));
    assert.notEqual(after.expiresAt, null, "closed: it has an end now");
    const doc = ok(exported);
    assert.equal(doc.profile.handle, "demo_ana");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("audit log - records are append-only and list newest first, page by page", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const clock = createTestClock();
    let n = 0;
    // An id source that repeats itself: a second record must not overwrite the first.
    const ids = ["01J00000000000000000000001", "01J00000000000000000000001"];
    const newId = () => ids[n++] ?? `01J0000000000000000000000${n}`;
    const audit = createAuditLog({ kv, clock, newId });
    const first = await audit.record({
      actor: "cli",
      action: "user.ban",
      target: "user:a",
      reason: "spam",
    });
    clock.advance(1000);
    const second = await audit.record({
      actor: "cli",
      action: "user.unban",
      target: "user:a",
    });
    assert.notEqual(second.id, first.id);
    assert.equal(first.at + 1000, second.at);
    const third = await audit.record({
      actor: "01JMOD",
      action: "room.delete",
      target: "room:r",
      at: 5,
    });
    assert.equal(third.at, 5);

    const page1 = await audit.list(2);
    assert.deepEqual(page1.items, [third, second]);
    assert.ok(page1.cursor);
    const page2 = await audit.list(2, page1.cursor);
    assert.deepEqual(page2, { items: [first], cursor: null });
  } finally {
    kv.close();
  }
});
