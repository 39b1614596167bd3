import assert from "node:assert/strict";
import { registerUser } from "../helpers/api.ts";
import { HERE } from "../helpers/conversations.ts";
import { createRoom } from "../helpers/api.ts";
import { wsSendOk } from "../helpers/events.ts";
import { startServer } from "../helpers/server.ts";
import { connect, subscribe } from "../helpers/ws.ts";

/** A loopback OTLP/HTTP receiver that keeps what it was sent, by path. */
function otlpReceiver() {
  const bodies: { path: string; text: string }[] = [];
  const decoder = new TextDecoder("latin1");
  let wake: (() => void) | null = null;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const bytes = new Uint8Array(await req.arrayBuffer());
      // Protobuf keeps names as plain UTF-8: enough to find span and metric names.
      bodies.push({
        path: new URL(req.url).pathname,
        text: decoder.decode(bytes),
      });
      wake?.();
      return new Response(null, { status: 200 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen: (path: string, name: string) =>
      bodies.some((b) => b.path === path && b.text.includes(name)),
    paths: () => [...new Set(bodies.map((b) => b.path))],
    /** Resolves at the next export received (or after `ms`, whichever comes first). */
    nextExport: (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          resolve();
        };
      }),
    close: () => server.shutdown(),
  };
}

Deno.test("telemetry - with OTEL_DENO the server exports HTTP and room commit spans and its metrics", async () => {
  const otlp = otlpReceiver();
  const server = await startServer({
    OTEL_DENO: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    OTEL_METRIC_EXPORT_INTERVAL: "200",
    OTEL_BSP_SCHEDULE_DELAY: "100",
    OTEL_DENO_CONSOLE: "ignore",
    OTEL_SERVICE_NAME: "vicinity-test",
  });
  try {
    const ann = await registerUser(server.url, "ann");
    const room = (await createRoom(server.url, ann, HERE)).id;
    const { ws } = await connect(server.url, ann);
    assert.equal((await subscribe(ws, room)).type, "subscribed");
    const want: [string, string][] = [
      ["/v1/traces", "room.commit"],
      ["/v1/traces", "feed.pump"],
      ["/v1/metrics", "vicinity.sockets.open"],
      ["/v1/metrics", "vicinity.fanout.deliveries"],
      ["/v1/metrics", "vicinity.kv.commit_ms"],
    ];
    // Keep the server busy until every name has been exported (bounded: 20 s).
    const deadline = Date.now() + 20_000;
    let n = 0;
    while (!want.every(([p, name]) => otlp.seen(p, name))) {
      assert.ok(
        Date.now() < deadline,
        `not exported: ${
          want.filter(([p, name]) => !otlp.seen(p, name)).map((w) => w[1])
        } (paths seen: ${otlp.paths()})`,
      );
      await wsSendOk(ws, room, `tick ${n}`, `t-${n++}`);
      await otlp.nextExport(2_000);
    }
    // Deno's own HTTP server spans come along.
    assert.ok(otlp.seen("/v1/traces", "vicinity-test"));
    await ws.close();
  } finally {
    await server.stop();
    await otlp.close();
  }
});
