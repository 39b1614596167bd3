import type { SocketEnv, SocketLike } from "../../islands/chat_socket.ts";
import { ANN } from "./room_fixtures.ts";

/** A socket that records what the client sends and lets the test play the server. */
export class FakeSocket implements SocketLike {
  readyState = 1;
  sent: Record<string, unknown>[] = [];
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  emit(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

/** Fake timers and sockets: time moves only when the test says so. */
export function fakeEnv() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<
    number,
    { at: number; fn: () => void; every?: number }
  >();
  const sockets: FakeSocket[] = [];
  const env: SocketEnv = {
    connect: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    now: () => now,
    random: () => 1,
    setTimeout: (
      fn,
      ms,
    ) => (timers.set(nextId, { at: now + ms, fn }), nextId++),
    clearTimeout: (id) => void timers.delete(id as number),
    setInterval: (
      fn,
      ms,
    ) => (timers.set(nextId, { at: now + ms, fn, every: ms }), nextId++),
    clearInterval: (id) => void timers.delete(id as number),
  };
  function advance(ms: number) {
    const end = now + ms;
    for (;;) {
      const due = [...timers].filter(([, t]) =>
        t.at <= end
      ).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) {
        break;
      }
      const [id, t] = due;
      now = t.at;
      if (t.every) {
        t.at += t.every;
      } else timers.delete(id);
      t.fn();
    }
    now = end;
  }
  return { env, sockets, advance, last: () => sockets.at(-1)! };
}

/** The server's `ready` frame for Ann. */
export const READY = {
  type: "ready",
  user: { ...ANN, createdAt: "2026-01-01T00:00:00.000Z" },
  isolate: "i1",
};
