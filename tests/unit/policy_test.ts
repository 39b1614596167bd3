import assert from "node:assert/strict";
import { DECOY_HASH } from "../../lib/auth/password.ts";
import { keys } from "../../lib/db/keys.ts";
import type { Membership } from "../../lib/db/members.ts";
import type { Room } from "../../lib/db/rooms.ts";
import type { User } from "../../lib/db/users.ts";
import { createServices } from "../../lib/services/mod.ts";
import {
  can,
  kindOf,
  POLICY,
  type Role,
  type RoomAction,
  type RoomKind,
} from "../../lib/services/policy.ts";
import { roleOf } from "../../lib/services/rooms.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { openTestStore } from "../helpers/store.ts";

const ACTIONS: RoomAction[] = [
  "read",
  "post",
  "announce",
  "react",
  "reply",
  "edit_own",
  "delete_own",
  "delete_any",
  "pin",
  "view_edits",
  "edit_room",
  "invite",
  "remove_member",
  "remove_admin",
  "remove_owner",
  "set_role",
  "leave",
  "mute",
  "kick",
  "ban",
  "admit",
  "slow_mode",
  "moderate",
];
const ROLES: Role[] = ["owner", "admin", "member", "none"];

// The rights PLAN.md gives, written out in full: Y = allowed. Columns: read post announce
// react reply edit_own delete_own delete_any pin view_edits edit_room | invite remove_member
// remove_admin remove_owner set_role leave | mute kick ban admit slow_mode | moderate.
const TABLES: Record<RoomKind, Record<Role, string>> = {
  proximity: {
    owner: "Y Y Y Y Y Y Y Y Y Y Y . Y Y . . Y Y Y Y Y Y Y",
    admin: "Y Y Y Y Y Y Y Y Y Y Y . Y . . . Y Y Y Y Y Y Y",
    member: "Y Y . Y Y Y Y . . . . . . . . . Y . . . . . .",
    none: ". . . . . . . . . . . . . . . . . . . . . . .",
  },
  group: {
    owner: "Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y Y",
    admin: "Y Y Y Y Y Y Y Y Y Y Y Y Y . . . Y Y Y Y Y Y Y",
    member: "Y Y . Y Y Y Y . . . . . . . . . Y . . . . . .",
    none: ". . . . . . . . . . . . . . . . . . . . . . .",
  },
  // Two equals: both pin, neither moderates; a direct conversation is deleted, not left.
  direct: {
    owner: "Y Y . Y Y Y Y . Y . . . . . . . . . . . . . .",
    admin: "Y Y . Y Y Y Y . Y . . . . . . . . . . . . . .",
    member: "Y Y . Y Y Y Y . Y . . . . . . . . . . . . . .",
    none: ". . . . . . . . . . . . . . . . . . . . . . .",
  },
};
const expected = (role: Role, kind: RoomKind = "proximity") =>
  Object.fromEntries(
    TABLES[kind][role].split(" ").map((c, i) => [ACTIONS[i], c === "Y"]),
  );

Deno.test("policy - the table gives each role exactly its rights in every kind of room", () => {
  assert.deepEqual(Object.keys(POLICY).sort(), [
    "direct",
    "group",
    "proximity",
  ]);
  for (const kind of Object.keys(TABLES) as RoomKind[]) {
    assert.deepEqual(Object.keys(POLICY[kind]).sort(), [...ROLES].sort());
    for (const role of ROLES) {
      const got = Object.fromEntries(
        ACTIONS.map((a) => [a, can(kind, role, a)]),
      );
      assert.deepEqual(got, expected(role, kind), `${kind} ${role}`);
      // No right outside the known actions sneaks in.
      for (const a of POLICY[kind][role]) assert.ok(ACTIONS.includes(a), a);
    }
  }
});

Deno.test("policy - a room made before kinds existed is a proximity room", () => {
  assert.equal(kindOf({}), "proximity");
  assert.equal(kindOf({ kind: "proximity" }), "proximity");
});

Deno.test("roleOf - the room's creator is owner, whatever a rejoin stored; others keep their role", () => {
  const room = { ownerId: "O" } as Room;
  const old: Membership = { joinedAt: 0 };
  assert.equal(roleOf(room, "O", old), "owner");
  assert.equal(roleOf(room, "M", old), "member");
  assert.equal(roleOf(room, "M", { joinedAt: 0, role: "admin" }), "admin");
  assert.equal(roleOf(room, "O", { joinedAt: 0, role: "owner" }), "owner");
  // Leaving and joining again stores role "member"; the creator must not lose the room.
  assert.equal(roleOf(room, "O", { joinedAt: 9, role: "member" }), "owner");
});

/** Owner, admin, member and outsider in one room, plus a member whose messages others act on. */
async function roomWithRoles() {
  const store = await openTestStore();
  const services = createServices(store, { sessionTtlMs: 3_600_000 });
  const make = (handle: string) =>
    services.repos.users.createUser({
      handle,
      displayName: handle,
      password: DECOY_HASH,
    });
  const [owner, admin, member, none, poster] = await Promise.all(
    ["owner", "admin", "member", "none", "poster"].map(make),
  );
  const at = { lat: 38.7223, lng: -9.1393 };
  const room = await services.rooms.createRoom(owner, {
    name: "Praça",
    description: "",
    ...at,
    radiusM: 300,
    category: "social",
  });
  for (const u of [admin, member, poster]) {
    await services.rooms.joinRoom(u, room.id, { ...at, accuracy: 5 });
  }
  // No endpoint promotes yet: an admin is a stored role.
  const m = await services.repos.members.getMember(room.id, admin.id);
  const promoted = { ...m!, role: "admin" as const };
  await store.kv.atomic()
    .set(keys.roomMember(room.id, admin.id), promoted)
    .set(keys.roomByMember(admin.id, room.id), promoted)
    .commit();
  const users: Record<Role, User> = { owner, admin, member, none };
  return { store, services, roomId: room.id, users, poster };
}

/** Whether a call succeeds (true) or is refused with 403 (false); anything else fails. */
async function allowed(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (err) {
    assert.ok(err instanceof AppError && err.status === 403, String(err));
    return false;
  }
}

Deno.test("policy - the services grant each role exactly what the table says", async () => {
  const { store, services, roomId, users, poster } = await roomWithRoles();
  try {
    const { chat, actions, rooms } = services;
    let n = 0;
    const post = async (u: User) =>
      (await chat.sendMessage(u, roomId, {
        text: `by ${u.handle}`,
        clientId: `c${n++}`,
        category: "social",
      })).message.seq;
    for (const role of ROLES) {
      const u = users[role];
      const other = await post(poster);
      // Someone who cannot post has no own message: theirs is the poster's.
      const own = role === "none" ? other : await post(u);
      // Group-only rights answer 404 in a proximity room; they are tested on groups.
      const attempts: Partial<Record<RoomAction, () => Promise<unknown>>> = {
        read: () => chat.listMessages(u, roomId, { limit: 5 }),
        post: () =>
          chat.sendMessage(u, roomId, {
            text: "hi",
            clientId: `p${n++}`,
            category: "social",
          }),
        announce: () =>
          chat.sendMessage(u, roomId, {
            text: "news",
            clientId: `a${n++}`,
            category: "announcement",
          }),
        react: () => actions.setReaction(u, roomId, other, "👍", true),
        reply: () =>
          chat.sendMessage(u, roomId, {
            text: "re",
            clientId: `r${n++}`,
            threadRoot: other,
            category: "social",
          }),
        edit_own: () => actions.editMessage(u, roomId, own, `edited ${n++}`),
        delete_own: () => actions.deleteMessage(u, roomId, own),
        view_edits: () => actions.listEdits(u, roomId, other),
        pin: () => actions.setPin(u, roomId, other, true),
        edit_room: () => rooms.updateRoom(u, roomId, { name: `R${n++}` }),
        moderate: () =>
          services.reports.listQueue(u, {
            status: "open",
            room: roomId,
            limit: 5,
          }),
        // Last: it removes the message the others act on.
        delete_any: () => actions.deleteMessage(u, roomId, other),
      };
      const got: Record<string, boolean> = {};
      for (const [action, run] of Object.entries(attempts)) {
        got[action] = await allowed(run!);
      }
      const want = Object.fromEntries(
        Object.entries(expected(role)).filter(([a]) => a in attempts),
      );
      assert.deepEqual(got, want, role);
    }
  } finally {
    store.kv.close();
  }
});

Deno.test("policy - nobody, not even the owner, edits someone else's message", async () => {
  const { store, services, roomId, users, poster } = await roomWithRoles();
  try {
    const { message } = await services.chat.sendMessage(poster, roomId, {
      text: "mine",
      clientId: "c1",
      category: "social",
    });
    for (const role of ROLES) {
      await assert.rejects(
        services.actions.editMessage(users[role], roomId, message.seq, "x"),
        { status: 403, code: role === "none" ? "not_member" : "not_author" },
        role,
      );
    }
    const stored = await services.repos.messages.getMessage(
      roomId,
      message.seq,
    );
    assert.equal(stored?.text, "mine");
  } finally {
    store.kv.close();
  }
});
