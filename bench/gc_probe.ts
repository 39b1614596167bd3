/**
 * Loaded into a server's isolates by the peers bench (never by the app): with
 * BENCH_GC_DIR set and V8's `--expose-gc`, SIGUSR2 makes each isolate collect its garbage
 * and write its memory figures to `<dir>/mem-<isolate>.json`, so that memory per idle socket
 * is read after a full GC. The Node peers do the same (bench/peers/common.mjs).
 */
const dir = Deno.env.get("BENCH_GC_DIR");
const isolate = crypto.randomUUID().slice(0, 8);
const gc = (globalThis as { gc?: () => void }).gc;

if (dir && gc) {
  Deno.addSignalListener("SIGUSR2", () => {
    // Twice: the first pass may leave objects that only a second finds unreachable.
    gc();
    gc();
    const { heapUsed, external } = Deno.memoryUsage();
    // Written aside, then renamed: the bench never reads a half-written file.
    const file = `${dir}/mem-${isolate}.json`;
    Deno.writeTextFileSync(
      file + ".tmp",
      JSON.stringify({ at: Date.now(), heapUsed, external }),
    );
    Deno.renameSync(file + ".tmp", file);
  });
}
