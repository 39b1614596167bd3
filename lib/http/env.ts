import type { Hub } from "../chat/hub.ts";
import type { Config } from "../config.ts";
import type { User } from "../db/users.ts";
import type { Services } from "../services/mod.ts";

/** Hono's environment for every Vicinity route: services, config and the signed-in user. */
export type AppEnv = {
  Bindings: { remoteAddr?: Deno.NetAddr };
  Variables: {
    services: Services;
    config: Config;
    hub: Hub;
    user: User | null;
    token: string | null;
  };
};
