import assert from "node:assert/strict";
import {
  canInvite,
  canModerate,
  composerCategories,
  LASTING_REFUSALS,
  memberActions,
} from "../../islands/conversation_policy.ts";
import type { RoomRole } from "../../lib/shared/island_props.ts";
import type { RoomKind } from "../../islands/room_state.ts";
import { POLICY, removeAction } from "../../lib/services/policy.ts";
import { ANN, BEN } from "./room_fixtures.ts";

const KINDS: RoomKind[] = ["proximity", "direct", "group"];
const ROLES: RoomRole[] = ["owner", "admin", "member"];

Deno.test("conversation policy - nobody gets buttons beside themselves", () => {
  for (const kind of KINDS) {
    for (const role of ROLES) {
      assert.deepEqual(
        memberActions(kind, role, ANN.id, { id: ANN.id, role }),
        { message: false, block: false, remove: false, setRole: false },
      );
    }
  }
});

Deno.test("conversation policy - anyone may block another member; Message is offered outside a DM", () => {
  for (const kind of KINDS) {
    const a = memberActions(kind, "member", ANN.id, {
      id: BEN.id,
      role: "owner",
    });
    assert.equal(a.block, true, kind);
    assert.equal(a.message, kind !== "direct", kind);
  }
});

Deno.test("conversation policy - in groups owners remove anyone and set roles, admins remove members only", () => {
  const table = ROLES.map((me) =>
    ROLES.map((target) => {
      const a = memberActions("group", me, ANN.id, {
        id: BEN.id,
        role: target,
      });
      return `${a.remove ? "R" : "-"}${a.setRole ? "S" : "-"}`;
    })
  );
  assert.deepEqual(table, [
    // target: owner, admin, member
    ["RS", "RS", "RS"], // I am an owner
    ["--", "--", "R-"], // I am an admin
    ["--", "--", "--"], // I am a member
  ]);
});

Deno.test("conversation policy - the buttons match the server's rights table", () => {
  for (const kind of KINDS) {
    for (const me of ROLES) {
      for (const target of ROLES) {
        const a = memberActions(kind, me, ANN.id, { id: BEN.id, role: target });
        // Proximity rooms remove people through moderation, not this list.
        const server = kind === "group" &&
          POLICY[kind][me].has(removeAction(target));
        assert.equal(a.remove, server, `${kind} ${me} removes ${target}`);
        assert.equal(
          a.setRole,
          kind === "group" && POLICY[kind][me].has("set_role"),
        );
      }
      assert.equal(canInvite(kind, me), POLICY[kind][me].has("invite"));
      assert.equal(canModerate(kind, me), POLICY[kind][me].has("announce"));
    }
  }
});

Deno.test("conversation policy - refusals that retrying cannot fix are the request and block ones", () => {
  assert.deepEqual([...LASTING_REFUSALS].sort(), [
    "blocked",
    "dm_unavailable",
    "request_pending",
  ]);
  assert.equal(LASTING_REFUSALS.has("rate_limited"), false);
});

Deno.test("conversation policy - a DM offers no categories; moderators may announce elsewhere", () => {
  assert.deepEqual(composerCategories("direct", false), ["social"]);
  assert.deepEqual(composerCategories("direct", true), ["social"]);
  assert.deepEqual(composerCategories("group", false), [
    "social",
    "networking",
  ]);
  assert.deepEqual(composerCategories("proximity", true), [
    "social",
    "networking",
    "announcement",
  ]);
});
