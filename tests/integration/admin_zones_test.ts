import assert from "node:assert/strict";
import { createAuditLog } from "../../lib/db/audit.ts";
import { createZones } from "../../lib/db/zones.ts";
import { createIdFactory, systemClock } from "../../lib/shared/clock.ts";

const ROOT = new URL("../../", import.meta.url);

type Run = { code: number; stdout: string; stderr: string };

/** Runs `deno run cli.ts admin …` against a KV file, as an operator would. */
async function admin(kvPath: string, ...args: string[]): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "cli.ts", "admin", ...args],
    cwd: ROOT,
    env: { VICINITY_KV: kvPath, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

function ok(run: Run) {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const SOHO = "51.5160,-0.1400;51.5160,-0.1290;51.5100,-0.1290;51.5100,-0.1400";
/** Across the antimeridian, written with negative numbers after --polygon. */
const TAVEUNI = "-16.6,179.8;-16.6,-179.8;-17.0,-179.8;-17.0,179.8";

Deno.test("admin cli - zones: add, list and remove against a KV file; a bad polygon exits 2 with the reason", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vicinity-zones-" });
  const kvPath = `${dir}/vicinity.kv`;
  (await Deno.openKv(kvPath)).close();
  try {
    const bad = await Promise.all([
      admin(kvPath, "zones", "add", "--name", "X", "--polygon", "1,2;3,4"),
      admin(kvPath, "zones", "add", "--name", "X", "--polygon", "1,2;abc;3,4"),
      admin(kvPath, "zones", "add", "--name", "X", "--polygon", "0,0;1,1;2,2"),
      admin(kvPath, "zones", "add", "--name", "X", "--polygon", "91,0;1,1;2,0"),
      admin(kvPath, "zones", "add", "--polygon", SOHO),
      admin(kvPath, "zones", "remove", "not-an-id"),
    ]);
    const reasons = [
      /--polygon: A polygon needs at least 3 points/,
      /--polygon: "abc" is not a lat,lng pair/,
      /--polygon: A polygon needs an area/,
      /--polygon: "91,0" is not a lat,lng pair/,
      /--name/,
      /<id>: must be a ULID/,
    ];
    bad.forEach((run, i) => {
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, reasons[i]);
      assert.match(run.stderr, /Usage: deno task admin/);
      assert.equal(run.stdout, "");
    });
    assert.deepEqual(ok(await admin(kvPath, "zones", "list", "--json")), {
      items: [],
    });

    const soho = ok(
      await admin(
        kvPath,
        "zones",
        "add",
        "--name",
        "Soho",
        "--polygon",
        SOHO,
        "--json",
      ),
    );
    const fiji = await admin(
      kvPath,
      "zones",
      "add",
      "--name",
      " Taveuni ",
      "--polygon",
      TAVEUNI,
    );
    assert.equal(fiji.code, 0, fiji.stderr);
    assert.match(fiji.stdout, /^Added zone \w{26} {2}Taveuni {2}\(4 points/);
    assert.equal(soho.name, "Soho");
    assert.equal(soho.points, 4);
    assert.equal(
      soho.polygon,
      "51.516,-0.14;51.516,-0.129;51.51,-0.129;51.51,-0.14",
    );

    const [listed, text] = await Promise.all([
      admin(kvPath, "zones", "list", "--json"),
      admin(kvPath, "zones", "list"),
    ]);
    const items = ok(listed).items;
    assert.deepEqual(items.map((z: { name: string }) => z.name), [
      "Soho",
      "Taveuni",
    ]);
    const fijiId = items[1].id;
    assert.deepEqual(items[1].bbox, {
      minLat: -17,
      maxLat: -16.6,
      minLng: 179.8,
      maxLng: 180.2,
    });
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(`^${soho.id} {2}Soho {2}\\(4 points`, "m"),
    );
    assert.match(text.stdout, new RegExp(`^${fijiId} {2}Taveuni`, "m"));

    // What the server will read: the zones, found by point, across the antimeridian too.
    const kv = await Deno.openKv(kvPath);
    try {
      const store = { kv, clock: systemClock, newId: createIdFactory() };
      const zones = createZones(store, { cacheMs: 0 });
      const at = async (lat: number, lng: number) =>
        (await zones.findZoneAt({ lat, lng }))?.name ?? null;
      assert.equal(await at(51.513, -0.135), "Soho");
      assert.equal(await at(-16.8, -179.9), "Taveuni");
      assert.equal(await at(-16.8, 179.9), "Taveuni");
      assert.equal(await at(51.52, -0.135), null);

      const removed = await admin(kvPath, "zones", "remove", soho.id);
      assert.equal(removed.code, 0, removed.stderr);
      assert.match(
        removed.stdout,
        new RegExp(`Removed zone ${soho.id} \\(Soho\\)`),
      );
      assert.equal(await at(51.513, -0.135), null);
      const again = await admin(kvPath, "zones", "remove", soho.id, "--json");
      assert.equal(again.code, 1);
      assert.equal(JSON.parse(again.stderr).error.code, "not_found");
      assert.deepEqual(
        ok(await admin(kvPath, "zones", "list", "--json")).items.map((
          z: { id: string },
        ) => z.id),
        [fijiId],
      );
      const audit = (await createAuditLog(store).list(10)).items;
      assert.deepEqual(
        audit.map((e) => [e.actor, e.action, e.target, e.details?.name]),
        [
          ["cli", "zone.remove", `zone:${soho.id}`, "Soho"],
          ["cli", "zone.add", `zone:${fijiId}`, "Taveuni"],
          ["cli", "zone.add", `zone:${soho.id}`, "Soho"],
        ],
      );
    } finally {
      kv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
