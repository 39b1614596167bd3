/**
 * The fan-out benchmark's bookkeeping: every room event checked by seq on every socket
 * (strictly consecutive, exactly once), latency per delivery back to the op that caused it,
 * and the acks on the sender sockets.
 */
import { ROOM_EVENT_TYPES } from "../lib/shared/protocol.ts";
import { type BenchSocket, type Frame, within } from "./fanout_client.ts";

/** What a load-generator op asks of the server. */
export type OpKind = "send" | "react" | "edit";

/** Every op kind, in the order the report prints them. */
export const OP_KINDS: readonly OpKind[] = ["send", "react", "edit"];

/** One subscriber socket and the event seqs it has seen of its room. */
export type Sub = {
  sock: BenchSocket;
  room: string;
  base: number;
  seen: Set<number>;
  max: number;
  duplicates: number;
  /** Arrivals whose seq was not the highest seen so far + 1. */
  outOfOrder: number;
};

/** Everything a scenario counts while it runs; ops are keyed by clientId (sends) or ref. */
export type Tally = {
  sendAt: Map<string, number>;
  kindOf: Map<string, OpKind>;
  roomOf: Map<string, string>;
  /** A reaction's event key (see `reactionKey`) to the op that set it. */
  reactionOps: Map<string, string>;
  ackAt: Map<string, number>;
  delivered: { op: string; at: number }[];
  senderIsolate: Map<string, string>;
  firstAt: number;
  sent: Record<OpKind, number>;
  acked: Record<OpKind, number>;
  /** Acks with seq 0: the op changed nothing, so no event follows. */
  unchanged: number;
  /** Per room, the highest event seq an ack reported; every seq up to it must reach each socket. */
  headSeq: Map<string, number>;
  ackMs: number[];
  sendErrors: Record<string, number>;
  latency: number[];
  byKind: Record<OpKind, number[]>;
  same: number[];
  cross: number[];
  bySecond: number[][];
  received: number;
  lastAt: number;
  settled: number;
  wake: () => void;
};

const perKind = <T>(f: () => T) =>
  ({ send: f(), react: f(), edit: f() }) as Record<OpKind, T>;

/** An empty tally. */
export function newTally(): Tally {
  return {
    sendAt: new Map(),
    kindOf: new Map(),
    roomOf: new Map(),
    reactionOps: new Map(),
    ackAt: new Map(),
    delivered: [],
    senderIsolate: new Map(),
    firstAt: 0,
    sent: perKind(() => 0),
    acked: perKind(() => 0),
    unchanged: 0,
    headSeq: new Map(),
    ackMs: [],
    sendErrors: {},
    latency: [],
    byKind: perKind(() => [] as number[]),
    same: [],
    cross: [],
    bySecond: [],
    received: 0,
    lastAt: 0,
    settled: 0,
    wake: () => {},
  };
}

/** The key that ties a `reaction.updated` event to the `reaction.set` that caused it. */
export const reactionKey = (
  room: string,
  messageSeq: number,
  emoji: string,
  userId: string,
  on: boolean,
) => `${room} ${messageSeq} ${emoji} ${userId} ${on}`;

const EVENT_TYPES = new Set<string>(ROOM_EVENT_TYPES);

/** A room event's seq: top level on the event log; inside the message on the 4d9a982 server. */
function eventSeq(f: Frame): number | undefined {
  if (!EVENT_TYPES.has(f.type)) return undefined;
  const seq = typeof f.seq === "number" ? f.seq : f.message?.seq;
  return typeof seq === "number" ? seq : undefined;
}

/** The op behind an event; an edit's text is "bench <op id>", as a send's is. */
function opOf(t: Tally, f: Frame): string | undefined {
  if (f.type === "message.new") return f.message.clientId;
  if (f.type === "message.edited") {
    return /^bench (\S+)$/.exec(f.message.text)?.[1];
  }
  if (f.type === "reaction.updated") {
    return t.reactionOps.get(
      reactionKey(f.room, f.messageSeq, f.emoji, f.userId, f.on),
    );
  }
}

/** Records one room event on a subscriber: order, duplicates, and the latency of its op. */
export function onDelivery(sub: Sub, t: Tally, f: Frame, at: number) {
  if (f.room !== sub.room) return;
  const seq = eventSeq(f);
  if (seq === undefined) return;
  if (seq <= sub.base || sub.seen.has(seq)) return void sub.duplicates++;
  if (seq !== sub.max + 1) sub.outOfOrder++;
  sub.seen.add(seq);
  sub.max = Math.max(sub.max, seq);
  const op = opOf(t, f);
  const sentAt = op === undefined ? undefined : t.sendAt.get(op);
  if (op !== undefined && sentAt !== undefined) {
    const ms = at - sentAt;
    t.latency.push(ms);
    t.byKind[t.kindOf.get(op) ?? "send"].push(ms);
    t.delivered.push({ op, at });
    (t.senderIsolate.get(op) === sub.sock.isolate ? t.same : t.cross)
      .push(ms);
    (t.bySecond[Math.floor((sentAt - t.firstAt) / 1000)] ??= []).push(ms);
  }
  t.received++;
  t.lastAt = at;
  t.wake();
}

/** Seqs a subscriber should have had by now and has not. */
export function lostOf(sub: Sub, t: Tally): number {
  const head = t.headSeq.get(sub.room) ?? sub.base;
  let seen = 0;
  for (const seq of sub.seen) if (seq <= head) seen++;
  return Math.max(0, head - sub.base - seen);
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
    // Both servers answer `subscribed {room, seq}`; the event log adds epoch and recovered.
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

/** Records an ack (`message.ack` for sends, `ack` for the rest) or an error on a sender. */
export function onSenderFrame(t: Tally, f: Frame, at: number) {
  let op: string | undefined, seq = 0;
  if (f.type === "message.ack") [op, seq] = [f.clientId, f.message.seq];
  else if (f.type === "ack") [op, seq] = [f.ref, f.seq];
  else if (f.type === "error") {
    t.sendErrors[f.code] = (t.sendErrors[f.code] ?? 0) + 1;
  } else return;
  const sentAt = op === undefined ? undefined : t.sendAt.get(op);
  if (op !== undefined && sentAt !== undefined) {
    t.ackMs.push(at - sentAt);
    t.ackAt.set(op, at);
    t.acked[t.kindOf.get(op) ?? "send"]++;
    const room = t.roomOf.get(op) ?? "";
    if (seq > 0) {
      t.headSeq.set(room, Math.max(t.headSeq.get(room) ?? 0, seq));
    } else t.unchanged++;
  }
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
