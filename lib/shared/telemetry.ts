/**
 * OpenTelemetry through Deno's built-in integration: with `OTEL_DENO=true` Deno exports
 * HTTP spans by itself, and the spans and metrics below join them over OTLP. Without it every
 * call here is a no-op costing one branch, so the hot paths carry no telemetry overhead.
 * Attributes never hold tokens, message text or coordinates.
 */

/** Attribute values spans and metrics may carry. */
export type Attrs = Record<string, string | number | boolean>;

type OtelSpan = {
  setAttribute(k: string, v: string | number | boolean): void;
  recordException(e: unknown): void;
  setStatus(s: { code: number; message?: string }): void;
  end(): void;
};
type OtelCounter = { add(n: number, attrs?: Attrs): void };
type OtelHistogram = { record(n: number, attrs?: Attrs): void };

const denoTelemetry = (): typeof Deno.telemetry | null => {
  try {
    if (Deno.env.get("OTEL_DENO") !== "true") return null;
    return Deno.telemetry ?? null;
  } catch {
    // No env permission (the CLI, a test): telemetry is off.
    return null;
  }
};

let state: {
  tracer: {
    startActiveSpan<T>(name: string, fn: (s: OtelSpan) => T): T;
  } | null;
  meter: {
    createCounter(n: string, o?: object): OtelCounter;
    createUpDownCounter(n: string, o?: object): OtelCounter;
    createHistogram(n: string, o?: object): OtelHistogram;
  } | null;
} | null = null;

function otel() {
  if (state) return state;
  const t = denoTelemetry();
  state = t
    ? {
      tracer: t.tracerProvider.getTracer("vicinity") as never,
      meter: t.meterProvider.getMeter("vicinity") as never,
    }
    : { tracer: null, meter: null };
  return state;
}

/** Whether telemetry is exported (OTEL_DENO=true). */
export const telemetryOn = () => otel().tracer !== null;

/** Runs `fn` inside a span named `name`; errors are recorded and rethrown. */
export async function span<T>(
  name: string,
  attrs: Attrs,
  fn: () => Promise<T>,
): Promise<T> {
  const tracer = otel().tracer;
  if (!tracer) return await fn();
  return await tracer.startActiveSpan(name, async (s) => {
    for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
    try {
      return await fn();
    } catch (err) {
      s.recordException(err);
      s.setStatus({ code: 2, message: String(err) });
      throw err;
    } finally {
      s.end();
    }
  });
}

function lazy<T>(
  make: (m: NonNullable<ReturnType<typeof otel>["meter"]>) => T,
) {
  let made: T | null = null;
  return () => {
    const meter = otel().meter;
    if (!meter) return null;
    return made ??= make(meter);
  };
}

const instruments = {
  sockets: lazy((m) =>
    m.createUpDownCounter("vicinity.sockets.open", {
      description: "Open WebSocket connections on this isolate",
    })
  ),
  deliveries: lazy((m) =>
    m.createCounter("vicinity.fanout.deliveries", {
      description: "Room and user stream events handed to sockets",
    })
  ),
  commitRetries: lazy((m) =>
    m.createCounter("vicinity.kv.commit_retries", {
      description:
        "Checked KV commits retried after a lost race or a locked file",
    })
  ),
  rateLimited: lazy((m) =>
    m.createCounter("vicinity.rate_limit.hits", {
      description: "Requests refused by a rate limit",
    })
  ),
  commitMs: lazy((m) =>
    m.createHistogram("vicinity.kv.commit_ms", {
      description: "Room log commit latency",
      unit: "ms",
    })
  ),
};

/** The metrics Vicinity records; each is a no-op while telemetry is off. */
export const metrics = {
  socketOpened: () => instruments.sockets()?.add(1),
  socketClosed: () => instruments.sockets()?.add(-1),
  delivered: (n: number, kind: "room" | "user") =>
    n > 0 && instruments.deliveries()?.add(n, { kind }),
  commitRetried: (what: string) =>
    instruments.commitRetries()?.add(1, { what: what.split(" ")[0] }),
  rateLimited: (bucket: string) =>
    instruments.rateLimited()?.add(1, { bucket }),
  commitMs: (ms: number) => instruments.commitMs()?.record(ms),
};
