import { log } from "../log.ts";

/** How long after its own shutdown an isolate gives the others before ending the process. */
const EXIT_GRACE_MS = 1_000;

/**
 * On SIGTERM or SIGINT, runs the app's shutdown (close sockets with 1001, stop watchers),
 * closes KV (a pending kv.watch would keep the process alive), then ends the process.
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
    // deno serve 2.9 does not reliably stop by itself: about 1 stop in 30 here, one isolate
    // never hears the signal (nor any message) and serves on, and a WebSocket that ended
    // without a close frame stalls its graceful shutdown. So the isolate that did hear it
    // ends the process, after a grace in which the others close their own sockets.
    setTimeout(() => Deno.exit(0), EXIT_GRACE_MS);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, stop);
  }
}
