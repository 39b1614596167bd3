import { log } from "../log.ts";

/** How long after its own shutdown an isolate lets the runtime finish before exiting. */
const EXIT_GRACE_MS = 2_000;

/**
 * On SIGTERM or SIGINT, runs the app's shutdown (close sockets with 1001, stop watchers) and
 * then closes KV, since a pending kv.watch would otherwise keep the process alive.
 */
export function installShutdown(
  shutdown: () => Promise<void>,
  kv: Deno.Kv,
): void {
  let started = false;
  const stop = async () => {
    if (started) return;
    started = true;
    try {
      await shutdown();
    } catch (err) {
      log.error("shutdown.failed", { error: String(err) });
    }
    kv.close();
    // deno serve 2.9 never finishes its graceful shutdown once any WebSocket has ended without
    // a close frame (a dropped client); this unref'd watchdog exits only if it is stuck.
    setTimeout(() => Deno.exit(0), EXIT_GRACE_MS).unref();
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, stop);
  }
}
