/** The fan-out benchmark's bookkeeping: per-socket sequence checks, latencies and acks. */
import { type BenchSocket, type Frame, within } from "./fanout_client.ts";

/** One subscriber socket and what it has seen of its room. */
export type Sub = {
  sock: BenchSocket;
  room: string;
  base: number;
  seen: Set<number>;
  max: number;
  duplicates: number;
  outOfOrder: number;
};

/** Everything a scenario counts while it runs. */
export type Tally = {
  sendAt: Map<string, number>;
  ackAt: Map<string, number>;
  delivered: { clientId: string; at: number }[];
  senderIsolate: Map<string, string>;
  firstAt: number;
  ackedPerRoom: Map<string, number>;
  ackMs: number[];
  sendErrors: Record<string, number>;
  latency: number[];
  same: number[];
  cross: number[];
  bySecond: number[][];
  received: number;
  lastAt: number;
  settled: number;
  wake: () => void;
};

/** An empty tally. */
export function newTally(): Tally {
  return {
    sendAt: new Map(),
    ackAt: new Map(),
    delivered: [],
    senderIsolate: new Map(),
    firstAt: 0,
    ackedPerRoom: new Map(),
    ackMs: [],
    sendErrors: {},
    latency: [],
    same: [],
    cross: [],
    bySecond: [],
    received: 0,
    lastAt: 0,
    settled: 0,
    wake: () => {},
  };
}

/** Records one `message.new`: latency, duplicates, order. */
export function onDelivery(sub: Sub, t: Tally, f: Frame, at: number) {
  if (f.type !== "message.new" || f.room !== sub.room) return;
  const { seq, clientId } = f.message as { seq: number; clientId: string };
  if (seq <= sub.base || sub.seen.has(seq)) return void sub.duplicates++;
  if (seq < sub.max) sub.outOfOrder++;
  sub.seen.add(seq);
  sub.max = Math.max(sub.max, seq);
  const sentAt = t.sendAt.get(clientId);
  if (sentAt !== undefined) {
    const ms = at - sentAt;
    t.latency.push(ms);
    t.delivered.push({ clientId, at });
    (t.senderIsolate.get(clientId) === sub.sock.isolate ? t.same : t.cross)
      .push(ms);
    (t.bySecond[Math.floor((sentAt - t.firstAt) / 1000)] ??= []).push(ms);
  }
  t.received++;
  t.lastAt = at;
  t.wake();
}

/** Subscribes a socket to a room; its later frames are deliveries tallied into `t()`. */
export function subscribe(sock: BenchSocket, room: string, t: () => Tally) {
  const sub: Sub = {
    sock,
    room,
    base: 0,
    seen: new Set(),
    max: 0,
    duplicates: 0,
    outOfOrder: 0,
  };
  const done = Promise.withResolvers<Sub>();
  sock.onFrame = (f, at) => {
    if (f.type === "subscribed" && f.room === room) {
      sub.base = sub.max = f.seq;
      return done.resolve(sub);
    }
    if (f.type === "error") done.reject(new Error(`subscribe: ${f.code}`));
    onDelivery(sub, t(), f, at);
  };
  sock.ws.send(JSON.stringify({ type: "subscribe", room }));
  return within(done.promise, 15_000, "subscribed");
}

/** Records an ack or an error frame on a sender socket. */
export function onSenderFrame(t: Tally, f: Frame, at: number) {
  if (f.type === "message.ack") {
    const sentAt = t.sendAt.get(f.clientId);
    if (sentAt !== undefined) t.ackMs.push(at - sentAt);
    t.ackAt.set(f.clientId, at);
    const room = f.message.roomId as string;
    t.ackedPerRoom.set(room, (t.ackedPerRoom.get(room) ?? 0) + 1);
  } else if (f.type === "error") {
    t.sendErrors[f.code] = (t.sendErrors[f.code] ?? 0) + 1;
  } else return;
  t.settled++;
  t.wake();
}

/** Waits until `done()` holds, re-checked whenever a frame arrives, or until `ms` pass. */
export function until(
  t: Tally,
  done: () => boolean,
  ms: number,
): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  const hit = Promise.withResolvers<boolean>();
  const timer = setTimeout(() => hit.resolve(false), ms);
  t.wake = () => {
    if (done()) hit.resolve(true);
  };
  return hit.promise.finally(() => {
    clearTimeout(timer);
    t.wake = () => {};
  });
}
