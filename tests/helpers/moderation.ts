import { keys } from "../../lib/db/keys.ts";
import type { SiteRole, User } from "../../lib/db/users.ts";
import { api, type TestUser } from "./api.ts";
import { ok } from "./conversations.ts";

/** Gives a registered user a site role by writing their record in the server's KV file. */
export async function grantSiteRole(
  kvPath: string,
  u: TestUser,
  role: SiteRole,
) {
  const kv = await Deno.openKv(kvPath);
  try {
    const e = await kv.get<User>(keys.user(u.user.id));
    if (!e.value) throw new Error("no such user");
    await kv.set(e.key, { ...e.value, siteRole: role });
  } finally {
    kv.close();
  }
}

/** Every audit entry in the server's KV file, oldest first. */
export async function auditEntries(kvPath: string) {
  const kv = await Deno.openKv(kvPath);
  try {
    const out: { actor: string; action: string; target: string }[] = [];
    for await (const e of kv.list<typeof out[0]>({ prefix: ["audit_log"] })) {
      out.push(e.value);
    }
    return out;
  } finally {
    kv.close();
  }
}

/** A REST call that must answer 204. */
export async function act(
  base: string,
  u: TestUser,
  method: string,
  path: string,
  body?: unknown,
) {
  ok(await api(base, path, { method, token: u.token, body }), 204);
}
