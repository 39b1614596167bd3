/**
 * The peers bench's side of the load generator: Socket.IO's packet framing over the same
 * WebSocket client, and sockets spread over loopback source addresses so that Vicinity's
 * per-address socket cap (100 per isolate) sees 1,000 clients as many addresses would.
 */
import {
  type Dialect,
  type Frame,
  JSON_DIALECT,
  openBenchSocket,
} from "./fanout_client.ts";
import type { Opener } from "./fanout_scenario.ts";

/**
 * Socket.IO v4 over its WebSocket transport: Engine.IO open `0{…}` is answered with a
 * namespace connect carrying the token (`40{"token":…}`), pings `2` with pongs `3`, and
 * each frame travels as the event `42["f",<frame>]`; a refused connect `44{…}` throws.
 */
export const SOCKET_IO_DIALECT: Dialect = {
  url: (base) =>
    `${base.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`,
  headers: () => ({}),
  decode(data, raw, token) {
    if (data.startsWith("42")) {
      return (JSON.parse(data.slice(2)) as [string, Frame])[1];
    }
    if (data === "2") raw.send("3");
    else if (data.startsWith("0")) raw.send(`40${JSON.stringify({ token })}`);
    else if (data.startsWith("44")) {
      throw new Error(`socket.io connect refused: ${data.slice(2)}`);
    }
    return null;
  },
  wrap: (raw) => ({
    send: (json: string) => raw.send(`42["f",${json}]`),
    close: (code?: number, reason?: string) => raw.close(code, reason),
    get readyState() {
      return raw.readyState;
    },
  }),
};

export { JSON_DIALECT };

/** Sockets per source address: under the cap even if one isolate takes them all. */
const PER_ADDRESS = 40;
/** Source addresses 127.0.1.1 … 127.0.1.250, reused round the cycle as sockets close. */
const ADDRESSES = 250;

/**
 * An opener that gives every `PER_ADDRESS` consecutive sockets the next loopback source
 * address (Deno's WebSocket takes an HTTP client with `localAddress`).
 */
export function spreadOpener(dialect: Dialect): Opener & { close(): void } {
  const clients: Deno.HttpClient[] = [];
  let opened = 0;
  const clientFor = (i: number) =>
    clients[i] ??= Deno.createHttpClient({ localAddress: `127.0.1.${i + 1}` });
  const open = (base: string, token: string) => {
    const client = clientFor(Math.floor(opened++ / PER_ADDRESS) % ADDRESSES);
    return openBenchSocket(base, token, { dialect, client });
  };
  return Object.assign(open, {
    close: () => clients.forEach((c) => c.close()),
  });
}

/** An HTTP client whose requests come from `127.0.2.<n>`, for per-address limits on setup. */
export const setupClient = (n: number) =>
  Deno.createHttpClient({ localAddress: `127.0.2.${1 + (n % 250)}` });
