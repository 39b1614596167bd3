import assert from "node:assert/strict";
import {
  canModerate,
  moderationActions,
} from "../../islands/conversation_policy.ts";
import type { RoomKind } from "../../islands/room_state.ts";
import { POLICY, removeAction } from "../../lib/services/policy.ts";
import type { RoomRole } from "../../lib/shared/island_props.ts";
import { ANN, BEN } from "./room_fixtures.ts";

const KINDS: RoomKind[] = ["proximity", "direct", "group"];
const ROLES: RoomRole[] = ["owner", "admin", "member"];

Deno.test("moderation ui policy - nobody moderates or reports themselves", () => {
  for (const kind of KINDS) {
    for (const role of ROLES) {
      assert.deepEqual(
        moderationActions(kind, role, ANN.id, { id: ANN.id, role }),
        { report: false, mute: false, kick: false, ban: false, admit: false },
      );
    }
  }
});

Deno.test("moderation ui policy - in a proximity room admins reach members, owners admins too", () => {
  const table = ROLES.map((me) =>
    ROLES.map((target) => {
      const a = moderationActions("proximity", me, ANN.id, {
        id: BEN.id,
        role: target,
      });
      return `${a.mute ? "M" : "-"}${a.kick ? "K" : "-"}${a.ban ? "B" : "-"}${
        a.admit ? "A" : "-"
      }`;
    })
  );
  assert.deepEqual(table, [
    // target: owner, admin, member
    ["----", "MKBA", "MKBA"], // I am an owner
    ["----", "----", "MKBA"], // I am an admin
    ["----", "----", "----"], // I am a member
  ]);
});

Deno.test("moderation ui policy - the buttons match the server's rights table", () => {
  for (const kind of KINDS) {
    for (const me of ROLES) {
      for (const target of ROLES) {
        const a = moderationActions(kind, me, ANN.id, {
          id: BEN.id,
          role: target,
        });
        const rights = POLICY[kind][me];
        const reaches = rights.has(removeAction(target));
        const why = `${kind}: ${me} on ${target}`;
        assert.equal(a.mute, rights.has("mute") && reaches, why);
        assert.equal(a.ban, rights.has("ban") && reaches, why);
        assert.equal(a.admit, rights.has("admit") && reaches, why);
        // Groups remove people with their own Remove button instead of Kick.
        assert.equal(
          a.kick,
          kind !== "group" && rights.has("kick") && reaches,
          why,
        );
        assert.equal(a.report, true, why);
      }
      assert.equal(canModerate(kind, me), POLICY[kind][me].has("moderate"));
    }
  }
});
