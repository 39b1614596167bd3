import { log } from "../log.ts";

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
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, stop);
  }
}
