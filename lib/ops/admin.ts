import { createEmbeds } from "../db/embed.ts";
import { parseEmbedOrigin } from "../shared/embed_schemas.ts";
import * as z from "zod";
import { type AuditInput, createAuditLog } from "../db/audit.ts";
import { keys } from "../db/keys.ts";
import { retryCommit } from "../db/store.ts";
import type { Zone } from "../db/zones.ts";
import { parsePolygon, type Polygon, unwrap } from "../geo/polygon.ts";
import {
  isBanned,
  isDeletedUser,
  type Standing,
  type User,
  type UserRecord,
} from "../db/users.ts";
import { createDeletionRunner } from "../services/account_deletion.ts";
import type { Services } from "../services/mod.ts";
import { AppError } from "../shared/errors.ts";
import { HandleSchema, UlidSchema } from "../shared/schemas.ts";
import {
  type Command,
  command as makeCommand,
  countEntries,
  describe,
  type Invocation,
  iso,
  more,
  parseCommandLine,
  parsedBy,
  scanPage,
} from "./admin_kit.ts";

/** How to call `deno task admin`, printed with every argument error. */
export const ADMIN_USAGE =
  `Usage: deno task admin <group> <command> [args] [--json]
  users list [--limit N] [--cursor C]    newest first
  users show <handle>
  users grant <handle> --role admin|moderator|none
  users ban <handle> [--reason TEXT]     also revokes every session of the user
  users unban <handle>
  users delete <handle>                  runs the account deletion job to its end
  rooms list [--limit N] [--cursor C]    newest first
  rooms show <id>
  users export <handle>                  the user's data export (as GET /me/export), as JSON
  rooms delete <id>                      the room and everything in it (messages, log, members)
  rooms close <id>                       end it now: read-only, off the map, purged later
  rooms embed <id> --origins "https://a,https://b" [--guests on|off]
                                         the sites allowed to embed it (empty: none)
  zones list                             exclusion zones: no room is created or joined inside one
  zones add --name NAME --polygon "lat,lng;lat,lng;…"
                                         3–500 points; a running server applies it within 30 s
  zones remove <id>                      likewise within 30 s
  audit list [--limit N] [--cursor C]    newest first
  stats                                  counts of users, rooms and messages (full scans)
--json prints JSON. Exit status: 0 done, 1 failed, 2 bad arguments.`;

/** Collection prefixes the admin scans; they mirror keys.user and keys.room (move to keys.ts). */
const USERS_PREFIX = ["users"] as const;
const ROOMS_PREFIX = ["rooms"] as const;

/** What a command answers: JSON for `--json`, text for people. */
export type AdminResult = { data: unknown; text: string };

const command = <S extends z.ZodRawShape>(
  positional: (keyof S & string)[],
  shape: S,
  run: (s: Services, args: z.output<z.ZodObject<S>>) => Promise<AdminResult>,
) => makeCommand(positional, shape, run);

const failed = (message: string) => new AppError(404, "not_found", message);

/** What an operator sees of a user: never the password hash. */
function userView(u: User) {
  return {
    id: u.id,
    handle: u.handle,
    displayName: u.displayName,
    createdAt: iso(u.createdAt),
    siteRole: u.siteRole ?? null,
    banned: isBanned(u),
    bannedAt: iso(u.bannedAt),
    banReason: u.banReason ?? null,
  };
}

function userLine(r: UserRecord): string {
  if (isDeletedUser(r)) return `${r.id}  (deleted ${iso(r.deletedAt)})`;
  const flags = [r.siteRole, isBanned(r) ? "banned" : null].filter(Boolean);
  return `${r.id}  @${r.handle}  ${r.displayName}${
    flags.length ? `  [${flags.join(", ")}]` : ""
  }`;
}

async function userByHandle(s: Services, handle: string): Promise<User> {
  const user = await s.repos.users.getUserByHandle(handle);
  if (!user) throw failed(`No user with the handle "${handle}"`);
  return user;
}

/** Appends to the audit log as the CLI. */
function audit(s: Services, entry: Omit<AuditInput, "actor" | "at">) {
  return createAuditLog(s.store).record({ actor: "cli", ...entry });
}

/** Changes a user's role or ban and audits it, with the handle beside the user's id. */
async function setStanding(
  s: Services,
  user: User,
  change: Standing,
  entry: Pick<AuditInput, "action" | "reason" | "details">,
): Promise<User> {
  const saved = await s.repos.users.updateStanding(user.id, change);
  if (!saved) throw failed(`The user "${user.handle}" was just deleted`);
  const details = { handle: user.handle, ...entry.details };
  await audit(s, { ...entry, target: `user:${user.id}`, details });
  return saved;
}

/** A room as the admin reads it: any kind, perhaps expired (only shared fields are used). */
type StoredRoom = {
  id: string;
  name: string;
  kind?: string;
  category: string;
  ownerId: string;
  createdAt: number;
  expiresAt: number | null;
  radiusM?: number;
  geohash?: string;
};

async function roomViews(s: Services, rooms: StoredRoom[]) {
  const stats = await s.repos.rooms.getRoomStats(rooms.map((r) => r.id));
  const now = s.store.clock.now();
  return rooms.map((r, i) => ({
    id: r.id,
    name: r.name,
    kind: r.kind ?? "proximity",
    category: r.category,
    ownerId: r.ownerId,
    radiusM: r.radiusM ?? null,
    createdAt: iso(r.createdAt),
    expiresAt: iso(r.expiresAt),
    expired: r.expiresAt !== null && r.expiresAt <= now,
    lastSeq: stats[i].head.seq,
    members: stats[i].memberCount,
  }));
}

type RoomView = Awaited<ReturnType<typeof roomViews>>[number];
const roomLine = (r: RoomView) =>
  `${r.id}  ${r.name}  (${r.kind}, ${r.members} members, seq ${r.lastSeq}${
    r.expired ? ", expired" : ""
  })`;

async function getRoomEntry(s: Services, id: string) {
  const e = await s.store.kv.get<StoredRoom>(keys.room(id));
  if (!e.value) throw failed(`No room with the id ${id}`);
  return e as Deno.KvEntry<StoredRoom>;
}

/** A zone's polygon as typed: parsed, and refused when its points enclose no area. */
function zonePolygon(text: string): Polygon {
  const polygon = parsePolygon(text);
  const ring = unwrap(polygon);
  let twiceArea = 0;
  ring.forEach(([lat, lng], i) => {
    const [lat2, lng2] = ring[(i + 1) % ring.length];
    twiceArea += lng * lat2 - lng2 * lat;
  });
  if (Math.abs(twiceArea) < 1e-12) {
    throw new Error("A polygon needs an area: its points lie on one line");
  }
  return polygon;
}

const zoneView = (zone: Zone) => ({
  id: zone.id,
  name: zone.name,
  polygon: zone.polygon.map(([lat, lng]) => `${lat},${lng}`).join(";"),
  points: zone.polygon.length,
  bbox: zone.bbox,
  createdAt: iso(zone.createdAt),
});
const zoneLine = (zone: Zone) =>
  `${zone.id}  ${zone.name}  (${zone.polygon.length} points, added ${
    iso(zone.createdAt)
  })`;
const zoneAudit = (action: string) => (zone: Zone) => ({
  actor: "cli",
  action,
  target: `zone:${zone.id}`,
  details: { name: zone.name, points: zone.polygon.length },
});

const Limit = z.coerce.number().int().min(1).max(1000).default(50);
const Cursor = z.string().min(1).optional();
const Handle = { handle: HandleSchema };
const Paging = { limit: Limit, cursor: Cursor };

const COMMANDS: Record<string, Command<Services, AdminResult>> = {
  "users list": command([], Paging, async (s, a) => {
    const p = await scanPage<UserRecord>(
      s.store.kv,
      USERS_PREFIX,
      a.limit,
      a.cursor,
    );
    const items = p.items.map((r) =>
      isDeletedUser(r)
        ? { id: r.id, deleted: true, deletedAt: iso(r.deletedAt) }
        : userView(r)
    );
    return {
      data: { items, cursor: p.cursor },
      text: (p.items.map(userLine).join("\n") || "No users.") + more(p.cursor),
    };
  }),
  "users show": command(["handle"], Handle, async (s, a) => {
    const user = await userByHandle(s, a.handle);
    const sessions =
      (await s.repos.sessions.listSessionsByUser(user.id)).length;
    const data = { ...userView(user), sessions };
    return { data, text: describe(data) };
  }),
  "users grant": command(["handle"], {
    ...Handle,
    role: z.enum(["admin", "moderator", "none"]),
  }, async (s, a) => {
    const user = await userByHandle(s, a.handle);
    const role = a.role === "none" ? null : a.role;
    const changed = (user.siteRole ?? null) !== role;
    const saved = changed
      ? await setStanding(s, user, { siteRole: role }, {
        action: "user.grant",
        details: { role: a.role },
      })
      : user;
    const did = changed
      ? `now has the role ${a.role}`
      : `already had that role`;
    return {
      data: { user: userView(saved), changed },
      text: `@${user.handle} ${did}.`,
    };
  }),
  "users ban": command(["handle"], {
    ...Handle,
    reason: z.string().trim().min(1).max(500).optional(),
  }, async (s, a) => {
    const user = await userByHandle(s, a.handle);
    const ban = { at: user.bannedAt ?? s.store.clock.now(), reason: a.reason };
    const saved = await setStanding(s, user, { ban }, {
      action: "user.ban",
      reason: a.reason,
    });
    // After the record: a sign-in racing the ban makes a session that authenticate refuses.
    const revoked = await s.repos.sessions.deleteSessionsByUser(user.id);
    return {
      data: { user: userView(saved), revokedSessions: revoked },
      text: `Banned @${user.handle}; ${revoked} session(s) revoked.`,
    };
  }),
  "users unban": command(["handle"], Handle, async (s, a) => {
    const user = await userByHandle(s, a.handle);
    const changed = isBanned(user);
    const saved = changed
      ? await setStanding(s, user, { ban: null }, { action: "user.unban" })
      : user;
    const did = changed ? "Unbanned" : "Not banned:";
    return {
      data: { user: userView(saved), changed },
      text: `${did} @${user.handle}.`,
    };
  }),
  "users delete": command(["handle"], Handle, async (s, a) => {
    const user = await userByHandle(s, a.handle);
    await s.repos.deletions.begin(user.id);
    await audit(s, {
      action: "user.delete",
      target: `user:${user.id}`,
      details: { handle: user.handle },
    });
    // Every step is idempotent; if this stops half-way, the server finishes it at start.
    await createDeletionRunner(s.repos).runDeletion(user.id);
    return {
      data: { id: user.id, handle: user.handle, deleted: true },
      text: `Deleted @${user.handle} (${user.id}).`,
    };
  }),
  "users export": command(["handle"], Handle, async (s, a) => {
    const user = await userByHandle(s, a.handle);
    // The same document GET /me/export gives the user (GDPR art. 15/20).
    const doc = await s.accountSelf.exportData(user);
    await audit(s, {
      action: "user.export",
      target: `user:${user.id}`,
      details: { handle: user.handle },
    });
    return { data: doc, text: JSON.stringify(doc, null, 2) };
  }),
  "rooms list": command([], Paging, async (s, a) => {
    const p = await scanPage<StoredRoom>(
      s.store.kv,
      ROOMS_PREFIX,
      a.limit,
      a.cursor,
    );
    const items = await roomViews(s, p.items);
    return {
      data: { items, cursor: p.cursor },
      text: (items.map(roomLine).join("\n") || "No rooms.") + more(p.cursor),
    };
  }),
  "rooms show": command(["id"], { id: UlidSchema }, async (s, a) => {
    const [room] = await roomViews(s, [(await getRoomEntry(s, a.id)).value]);
    return { data: room, text: describe(room) };
  }),
  "rooms delete": command(["id"], { id: UlidSchema }, async (s, a) => {
    const room = (await getRoomEntry(s, a.id)).value;
    // The same purge that ends an event room: messages, log, memberships and indexes.
    const out = await s.purge.purge(a.id, { force: true });
    await audit(s, {
      action: "room.delete",
      target: `room:${room.id}`,
      details: { name: room.name },
    });
    const keysDeleted = out.done ? out.deleted : 0;
    return {
      data: { id: room.id, name: room.name, deleted: true, keys: keysDeleted },
      text: `Deleted room ${room.id} (${room.name}) and ${keysDeleted} keys.`,
    };
  }),
  "rooms close": command(["id"], { id: UlidSchema }, async (s, a) => {
    const { kv, clock } = s.store;
    const now = clock.now();
    // Closing ends it now: read-only, off the map, purged after the retention.
    const room = await retryCommit("rooms", async () => {
      const e = await getRoomEntry(s, a.id);
      if (e.value.expiresAt !== null && e.value.expiresAt <= now) {
        return e.value;
      }
      const next = { ...e.value, expiresAt: now };
      const op = kv.atomic().check(e).set(keys.room(a.id), next);
      if (next.geohash) {
        // The geo pin carries the end too, so searches drop the room without reading it.
        const pinKey = keys.roomByGeohash(next.geohash, a.id);
        const pin = await kv.get<Record<string, unknown>>(pinKey);
        if (pin.value) {
          op.check(pin).set(pinKey, { ...pin.value, expiresAt: now });
        }
      }
      return (await op.commit()).ok ? next : null;
    });
    if (room.geohash) await s.purge.schedule(room as never);
    await audit(s, {
      action: "room.close",
      target: `room:${room.id}`,
      details: { name: room.name },
    });
    return {
      data: { id: room.id, closedAt: iso(room.expiresAt ?? now) },
      text: `Closed room ${room.id} (${room.name}): read-only from now on.`,
    };
  }),
  "rooms embed": command(["id"], {
    id: UlidSchema,
    origins: z.string().default(""),
    guests: z.enum(["on", "off"]).optional(),
  }, async (s, a) => {
    const room = (await getRoomEntry(s, a.id)).value;
    const origins = a.origins.split(",").map((o) => o.trim()).filter(Boolean);
    const bad = origins.filter((o) => parseEmbedOrigin(o) === null);
    if (bad.length) throw failed(`Not an allowed origin: ${bad.join(", ")}`);
    const embeds = createEmbeds(s.store);
    const current = await embeds.getEmbed(a.id);
    const saved = await embeds.setEmbed(a.id, {
      origins: [...new Set(origins.map((o) => parseEmbedOrigin(o)!))],
      allowGuests: a.guests ? a.guests === "on" : current?.allowGuests ?? false,
      venueScreen: current?.venueScreen ?? false,
    }, "cli");
    await audit(s, {
      action: "room.embed",
      target: `room:${room.id}`,
      details: { origins: saved.origins.join(" "), guests: saved.allowGuests },
    });
    return {
      data: {
        id: room.id,
        origins: saved.origins,
        allowGuests: saved.allowGuests,
      },
      text: `Room ${room.id} may be embedded by: ${
        saved.origins.join(", ") || "nobody"
      }; guests ${saved.allowGuests ? "on" : "off"}.`,
    };
  }),
  "zones list": command([], {}, async (s) => {
    const zones = await s.repos.zones.listZones();
    return {
      data: { items: zones.map(zoneView) },
      text: zones.map(zoneLine).join("\n") || "No zones.",
    };
  }),
  "zones add": command([], {
    name: z.string().trim().min(1).max(80),
    polygon: parsedBy(zonePolygon),
  }, async (s, a) => {
    const zone = await s.repos.zones.addZone(
      a.name,
      a.polygon,
      zoneAudit("zone.add"),
    );
    return { data: zoneView(zone), text: `Added zone ${zoneLine(zone)}.` };
  }),
  "zones remove": command(["id"], { id: UlidSchema }, async (s, a) => {
    const zone = await s.repos.zones.removeZone(a.id, zoneAudit("zone.remove"));
    if (!zone) throw failed(`No zone with the id ${a.id}`);
    return {
      data: { id: zone.id, name: zone.name, removed: true },
      text: `Removed zone ${zone.id} (${zone.name}).`,
    };
  }),
  "audit list": command([], Paging, async (s, a) => {
    const p = await createAuditLog(s.store).list(a.limit, a.cursor);
    const lines = p.items.map((e) =>
      `${iso(e.at)}  ${e.actor}  ${e.action}  ${e.target}${
        e.reason ? `  "${e.reason}"` : ""
      }${e.details ? `  ${JSON.stringify(e.details)}` : ""}`
    );
    return {
      data: p,
      text: (lines.join("\n") || "No entries.") + more(p.cursor),
    };
  }),
  "stats": command([], {}, async (s) => {
    const users = { live: 0, deleted: 0, banned: 0, admins: 0, moderators: 0 };
    await countEntries<UserRecord>(s.store.kv, USERS_PREFIX, (r) => {
      if (isDeletedUser(r)) return void users.deleted++;
      users.live++;
      if (isBanned(r)) users.banned++;
      if (r.siteRole === "admin") users.admins++;
      if (r.siteRole === "moderator") users.moderators++;
    });
    const rooms = await countEntries(s.store.kv, ROOMS_PREFIX);
    const messages = await countEntries(s.store.kv, keys.allMessagesPrefix());
    const data = { users, rooms, messages };
    const text =
      `users: ${users.live} (${users.banned} banned, ${users.admins} admins, ` +
      `${users.moderators} moderators; ${users.deleted} deleted)\n` +
      `rooms: ${rooms}\nmessages: ${messages}`;
    return { data, text };
  }),
};

/** Parses `<group> <command> [args] [--json]` with zod into a runnable invocation. */
export function parseAdminArgs(
  argv: string[],
): Invocation<Services, AdminResult> {
  return parseCommandLine(argv, COMMANDS);
}
