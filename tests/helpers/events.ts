import assert from "node:assert/strict";
import {
  ROOM_EVENT_TYPES,
  type RoomEventFrame,
  RoomEventFrameSchema,
} from "../../lib/shared/protocol.ts";
import type { MessageView } from "../../lib/shared/schemas.ts";
import type { TestUser } from "./api.ts";
import { dumpKv } from "./store.ts";
import { connect, type Frame, type WsClient } from "./ws.ts";

const EVENT_TYPES = new Set<string>(ROOM_EVENT_TYPES);

/** The integers from..to, both included (empty when to < from). */
export const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** Whether a frame is one of `room`'s durable events. */
export const isRoomEvent = (room: string) => (f: Frame): boolean =>
  EVENT_TYPES.has(f.type) && f.room === room;

/** The room's events a socket received so far, in arrival order, each checked against the protocol. */
export function roomEvents(ws: WsClient, room: string): RoomEventFrame[] {
  return ws.frames.filter(isRoomEvent(room)).map((f) => {
    const parsed = RoomEventFrameSchema.safeParse(f);
    if (!parsed.success) {
      throw new Error(
        `event off the contract: ${JSON.stringify(f)}: ${parsed.error.message}`,
      );
    }
    return f as RoomEventFrame;
  });
}

/** Waits until the socket has received a `room` event with seq >= `seq`. */
export async function waitForSeq(
  ws: WsClient,
  room: string,
  seq: number,
  timeoutMs = 10_000,
): Promise<void> {
  const reached = (f: Frame) => isRoomEvent(room)(f) && f.seq >= seq;
  if (ws.frames.some(reached)) return;
  try {
    await ws.next(reached, timeoutMs);
  } catch (err) {
    const got = roomEvents(ws, room).map((e) => `${e.seq}:${e.type}`);
    throw new Error(
      `waiting for seq ${seq}: ${(err as Error).message}; events so far ${
        got.join(",")
      }`,
    );
  }
}

/** Asserts a socket's `room` events are exactly seqs after+1..upto, each once, in order. */
export function assertConsecutive(
  events: RoomEventFrame[],
  after: number,
  upto: number,
  what: string,
): void {
  assert.deepEqual(
    events.map((e) => e.seq),
    range(after + 1, upto),
    `${what}: event seqs`,
  );
}

/** What a client knows about a room: its messages by seq and its member count. */
export type RoomState = {
  messages: Map<number, MessageView>;
  memberCount: number;
  name?: string;
  description?: string;
};

/** A state seeded from a snapshot (GET messages items) and the room's member count. */
export function stateFrom(
  items: MessageView[],
  memberCount: number,
): RoomState {
  const messages = new Map<number, MessageView>();
  for (const m of items) messages.set(m.seq, structuredClone(m));
  return { messages, memberCount };
}

function patch(state: RoomState, seq: number, change: Partial<MessageView>) {
  const m = state.messages.get(seq);
  // An event about a message older than the snapshot's page changes nothing we show.
  if (m) state.messages.set(seq, { ...m, ...change });
}

/** Applies one event; each carries the state after its change, as a client applies it. */
export function applyEvent(state: RoomState, e: RoomEventFrame): void {
  switch (e.type) {
    case "message.new":
    case "message.edited":
    case "message.deleted":
      return void state.messages.set(e.message.seq, structuredClone(e.message));
    case "reaction.updated":
      return patch(state, e.messageSeq, { reactions: e.reactions });
    case "pin.updated":
      return patch(state, e.messageSeq, { pinned: e.pinned });
    case "thread.updated":
      return patch(state, e.rootSeq, {
        replyCount: e.replyCount,
        lastReplyAt: e.lastReplyAt,
      });
    case "member.joined":
    case "member.left":
      return void (state.memberCount = e.memberCount);
    case "room.updated":
      state.name = e.name;
      state.description = e.description;
  }
}

/** Applies events in order, skipping those at or below `after` (already in the snapshot). */
export function applyEvents(
  state: RoomState,
  events: RoomEventFrame[],
  after = 0,
): RoomState {
  for (const e of events) if (e.seq > after) applyEvent(state, e);
  return state;
}

/** The state's messages in seq order. */
export const messagesOf = (state: RoomState): MessageView[] =>
  [...state.messages.values()].sort((a, b) => a.seq - b.seq);

let refs = 0;

/** Sends an action frame (edit, delete, reaction, pin) with a fresh ref; answers its ack or error. */
export async function act(
  ws: WsClient,
  frame: Record<string, unknown>,
  timeoutMs = 5_000,
): Promise<Frame> {
  const ref = `ref-${++refs}`;
  ws.send({ ...frame, ref });
  return await ws.next(
    (f) => (f.type === "ack" || f.type === "error") && f.ref === ref,
    timeoutMs,
  );
}

/** Like `act`, but asserts an ack and answers the seq it appended. */
export async function actOk(
  ws: WsClient,
  frame: Record<string, unknown>,
): Promise<number> {
  const res = await act(ws, frame);
  assert.equal(res.type, "ack", `${frame.type}: ${JSON.stringify(res)}`);
  return res.seq;
}

/** Sends message.send; answers its message.ack or error (matched by clientId). */
export async function wsSend(
  ws: WsClient,
  room: string,
  text: string,
  clientId: string,
  extra: { threadRoot?: number; category?: string } = {},
): Promise<Frame> {
  ws.send({ type: "message.send", room, text, clientId, ...extra });
  return await ws.next(
    (f) =>
      (f.type === "message.ack" || f.type === "error") &&
      f.clientId === clientId,
  );
}

/** Like `wsSend`, but asserts the ack and answers the stored message. */
export async function wsSendOk(
  ws: WsClient,
  room: string,
  text: string,
  clientId: string,
  extra: { threadRoot?: number; category?: string } = {},
): Promise<MessageView> {
  const res = await wsSend(ws, room, text, clientId, extra);
  assert.equal(res.type, "message.ack", JSON.stringify(res));
  return res.message;
}

/** Subscribes with a resume position and waits for `subscribed` (or an error). */
export async function subscribeAfter(
  ws: WsClient,
  room: string,
  after?: number,
  epoch?: string,
  timeoutMs = 5_000,
): Promise<Frame> {
  ws.send({ type: "subscribe", room, after, epoch });
  return await ws.next(
    (f) => (f.type === "subscribed" || f.type === "error") && f.room === room,
    timeoutMs,
  );
}

/** Opens a KV file a running server also holds and answers every entry as text. */
export async function scanKvFile(path: string): Promise<string> {
  const kv = await Deno.openKv(path);
  try {
    return await dumpKv(kv);
  } finally {
    kv.close();
  }
}

/** Connects `user` until a socket lands on an isolate `want` accepts (others are closed). */
export async function connectOn(
  base: string,
  user: TestUser,
  want: (isolate: string) => boolean,
): Promise<{ ws: WsClient; isolate: string }> {
  // The kernel spreads connections over the isolates; 40 misses in a row is vanishingly rare.
  for (let i = 0; i < 40; i++) {
    const s = await connect(base, user);
    if (want(s.isolate)) return s;
    await s.ws.close();
  }
  throw new Error("40 sockets in a row missed the wanted isolate");
}

/** Waits for a frame at index >= `since` matching `match` (taken or not); answers it. */
export async function frameFrom(
  ws: { frames: Frame[]; next: WsClient["next"] },
  since: number,
  match: (f: Frame) => boolean,
  timeoutMs = 10_000,
): Promise<Frame> {
  const fits = (f: Frame) => ws.frames.indexOf(f) >= since && match(f);
  return ws.frames.find(fits) ?? await ws.next(fits, timeoutMs);
}

/** One person's entry in a presence frame. */
export type PresenceChange = {
  userId: string;
  status: string;
  lastSeenAt: string | null;
};

/** Waits for a presence.update (at index >= `since`) showing `userId` with `status`. */
export async function presenceChange(
  ws: { frames: Frame[]; next: WsClient["next"] },
  room: string,
  userId: string,
  status: string,
  opts: { since?: number; timeoutMs?: number } = {},
): Promise<{ frame: Frame; change: PresenceChange }> {
  const pick = (f: Frame): PresenceChange | undefined =>
    f.type === "presence.update" && f.room === room
      ? (f.changes as PresenceChange[]).find((c) =>
        c.userId === userId && c.status === status
      )
      : undefined;
  let frame: Frame;
  try {
    frame = await frameFrom(
      ws,
      opts.since ?? 0,
      (f) => !!pick(f),
      opts.timeoutMs,
    );
  } catch (err) {
    const seen = ws.frames.filter((f) => f.type.startsWith("presence."));
    throw new Error(
      `no presence.update ${userId} ${status}: ${(err as Error).message}; ` +
        `presence frames: ${JSON.stringify(seen)}`,
    );
  }
  return { frame, change: pick(frame)! };
}

/** Reads one key from a KV file a running server also holds. */
export async function readKvFile<T>(path: string, key: Deno.KvKey) {
  const kv = await Deno.openKv(path);
  try {
    return (await kv.get<T>(key)).value;
  } finally {
    kv.close();
  }
}
