import type { RoomEventFrame } from "../../lib/shared/protocol.ts";
import type { AuthorView, MessageView } from "../../lib/shared/schemas.ts";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A valid ULID that differs only in its last two characters. */
export function ulid(n: number): string {
  return `01ARZ3NDEKTSV4RRFFQ69G5F${CROCKFORD[n >> 5 & 31]}${
    CROCKFORD[n & 31]
  }`;
}

/** The test room's id. */
export const ROOM = ulid(900);

/** Three people: Ann (the viewer), Ben and Cara. */
export const ANN: AuthorView = {
  id: ulid(1),
  handle: "ann",
  displayName: "Ann",
};
export const BEN: AuthorView = {
  id: ulid(2),
  handle: "ben",
  displayName: "Ben",
};
export const CARA: AuthorView = {
  id: ulid(3),
  handle: "cara",
  displayName: "Cara",
};

/** A message view with defaults for every field. */
export function msg(
  seq: number,
  over: Partial<MessageView> = {},
): MessageView {
  return {
    id: ulid(100 + seq),
    roomId: ROOM,
    seq,
    author: BEN,
    text: `message ${seq}`,
    clientId: `c${seq}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    category: "social",
    threadRoot: null,
    replyCount: 0,
    lastReplyAt: null,
    editedAt: null,
    deleted: false,
    pinned: false,
    reactions: [],
    mentions: [],
    ...over,
  };
}

/** A message.new frame for a message whose seq is the frame's seq. */
export function newFrame(m: MessageView): RoomEventFrame {
  return { type: "message.new", room: ROOM, seq: m.seq, message: m };
}

/** A varied log: messages, a reaction, a thread reply, an edit, a pin, joins, a delete, my send. */
export function scenario(): RoomEventFrame[] {
  const m1 = msg(1, { author: ANN, clientId: "ann-1" });
  const m2 = msg(2);
  const reply = msg(4, { threadRoot: 1, author: CARA });
  const edited = {
    ...m2,
    text: "message 2 (fixed)",
    editedAt: "2026-01-01T12:01:00.000Z",
  };
  const tomb = { ...edited, text: "", deleted: true };
  const mine = msg(11, { author: ANN, clientId: "ann-11" });
  return [
    newFrame(m1),
    newFrame(m2),
    {
      type: "reaction.updated",
      room: ROOM,
      seq: 3,
      messageSeq: 1,
      emoji: "👍",
      userId: BEN.id,
      on: true,
      reactions: [{ emoji: "👍", count: 1, by: [BEN.id] }],
    },
    newFrame(reply),
    {
      type: "thread.updated",
      room: ROOM,
      seq: 5,
      rootSeq: 1,
      replyCount: 1,
      lastReplyAt: reply.createdAt,
    },
    { type: "message.edited", room: ROOM, seq: 6, message: edited },
    {
      type: "pin.updated",
      room: ROOM,
      seq: 7,
      messageSeq: 1,
      pinned: true,
      by: ANN.id,
    },
    { type: "member.joined", room: ROOM, seq: 8, user: CARA, memberCount: 3 },
    { type: "message.deleted", room: ROOM, seq: 9, message: tomb },
    {
      type: "member.left",
      room: ROOM,
      seq: 10,
      userId: CARA.id,
      memberCount: 2,
    },
    newFrame(mine),
  ];
}

/** A deterministic shuffle (a small LCG), so a failing order can be reproduced. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const out = items.slice();
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
