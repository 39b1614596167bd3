import { configFromEnv } from "./lib/config.ts";
import { createApp } from "./lib/http/app.ts";
import { installShutdown } from "./lib/http/lifecycle.ts";
import { openKvRetrying } from "./lib/db/store.ts";
import { setLogLevel } from "./lib/log.ts";

// Composition root, run once per isolate by `deno serve --parallel main.ts`.
const config = configFromEnv();
setLogLevel(config.logLevel);
const kv = await openKvRetrying(config.kvPath);
const { app, shutdown } = createApp({ kv, config });
installShutdown(shutdown, kv);

export default { fetch: app.fetch } satisfies Deno.ServeDefaultExport;
