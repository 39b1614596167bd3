import { type Frame, within, type WsClient } from "./ws.ts";

/** A WebSocket spoken by hand over TCP, so a test can drop it without a close frame. */
export type RawSocket = {
  isolate: string;
  frames: Frame[];
  /** Sends one JSON frame as a masked text frame. */
  send(frame: unknown): Promise<void>;
  next: WsClient["next"];
  /** Closes the TCP connection with no WebSocket close frame, and waits for the reader. */
  kill(): Promise<void>;
};

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** One complete (unmasked) server frame at the start of `buf`, or null if it is not all there. */
function takeFrame(buf: Uint8Array) {
  if (buf.length < 2) return null;
  let len = buf[1] & 0x7f;
  let at = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = (buf[2] << 8) | buf[3];
    at = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    len = Number(
      new DataView(buf.buffer, buf.byteOffset + 2, 8).getBigUint64(0),
    );
    at = 10;
  }
  if (buf.length < at + len) return null;
  return {
    fin: (buf[0] & 0x80) !== 0,
    opcode: buf[0] & 0x0f,
    payload: buf.slice(at, at + len),
    rest: buf.slice(at + len),
  };
}

/** A client text frame: FIN, opcode 1, masked as RFC 6455 requires of clients. */
function maskedText(text: string): Uint8Array {
  const data = new TextEncoder().encode(text);
  if (data.length >= 65_536) throw new Error("raw frame too large");
  const head = data.length < 126
    ? [0x81, 0x80 | data.length]
    : [0x81, 0x80 | 126, data.length >> 8, data.length & 0xff];
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const out = new Uint8Array(head.length + 4 + data.length);
  out.set(head);
  out.set(mask, head.length);
  data.forEach((b, i) => out[head.length + 4 + i] = b ^ mask[i % 4]);
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array) {
  for (let done = 0; done < bytes.length;) {
    done += await conn.write(bytes.subarray(done));
  }
}

/** Opens a WebSocket by a hand-made HTTP upgrade (bearer token) and waits for `ready`. */
export async function openRawSocket(
  base: string,
  token: string,
): Promise<RawSocket> {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const key = btoa(
    String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))),
  );
  const request = [
    "GET /api/v1/ws HTTP/1.1",
    `Host: ${hostname}:${port}`,
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    `Sec-WebSocket-Key: ${key}`,
    `Authorization: Bearer ${token}`,
  ].join("\r\n") + "\r\n\r\n";
  await writeAll(conn, new TextEncoder().encode(request));

  const frames: Frame[] = [];
  const taken = new Set<number>();
  let wake = Promise.withResolvers<void>();
  let ended = false;
  const upgraded = Promise.withResolvers<void>();
  const decoder = new TextDecoder();

  const reader = (async () => {
    let buf: Uint8Array = new Uint8Array(0);
    let headers = true;
    let text = new Uint8Array(0);
    const chunk = new Uint8Array(16 * 1024);
    try {
      for (;;) {
        const n = await conn.read(chunk);
        if (n === null) break;
        buf = concat(buf, chunk.subarray(0, n));
        if (headers) {
          const head = decoder.decode(buf);
          const end = head.indexOf("\r\n\r\n");
          if (end < 0) continue;
          if (!/^HTTP\/1\.1 101 /.test(head)) {
            throw new Error(`upgrade refused: ${head}`);
          }
          headers = false;
          buf = buf.slice(
            new TextEncoder().encode(head.slice(0, end + 4)).length,
          );
          upgraded.resolve();
        }
        for (let f = takeFrame(buf); f; f = takeFrame(buf)) {
          buf = f.rest;
          if (f.opcode === 1 || f.opcode === 0) text = concat(text, f.payload);
          if ((f.opcode === 1 || f.opcode === 0) && f.fin) {
            frames.push(JSON.parse(decoder.decode(text)));
            text = new Uint8Array(0);
          }
        }
        wake.resolve();
        wake = Promise.withResolvers<void>();
      }
    } catch (err) {
      upgraded.reject(err);
    } finally {
      ended = true;
      wake.resolve();
    }
  })();
  upgraded.promise.catch(() => {});

  const find = (match: (f: Frame) => boolean) =>
    frames.findIndex((f, i) => !taken.has(i) && match(f));
  const next = async (match: (f: Frame) => boolean, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = find(match);
      if (i >= 0) return taken.add(i), frames[i];
      const left = deadline - Date.now();
      if (ended || left <= 0) {
        throw new Error(
          `raw socket: no matching frame in ${timeoutMs} ms; last: ${
            JSON.stringify(frames.slice(-3))
          }`,
        );
      }
      await within(wake.promise, left, "raw frame").catch(() => {});
    }
  };
  const kill = async () => {
    try {
      conn.close();
    } catch { /* already closed */ }
    await reader;
  };
  try {
    await within(upgraded.promise, 5_000, "raw upgrade");
    const ready = await next((f) => f.type === "ready");
    return {
      isolate: ready.isolate,
      frames,
      next,
      kill,
      send: (frame) => writeAll(conn, maskedText(JSON.stringify(frame))),
    };
  } catch (err) {
    await kill();
    throw err;
  }
}
