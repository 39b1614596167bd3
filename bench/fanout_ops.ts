/**
 * What the fan-out load generator sends: only `message.send`, or a mix of 70% sends, 20%
 * reactions toggled on recent messages and 10% edits of the sender's own recent messages.
 */
import type { BenchSocket, Frame } from "./fanout_client.ts";
import { type OpKind, reactionKey } from "./fanout_tally.ts";
import { mulberry32 } from "./stats.ts";

/** The op mix of a scenario. */
export type Workload = "send" | "mixed";

/** Shares of the mixed workload; an op with nothing to act on yet falls back to a send. */
export const MIX = { send: 0.7, react: 0.2, edit: 0.1 } as const;

// No variation selectors, so the server echoes each emoji exactly as sent.
const EMOJI = ["👍", "😂", "🎉", "👀", "🔥", "🚀", "💯", "🙌"];
/** Messages per room a reaction may land on, and own messages per sender an edit may pick. */
const RECENT = 20;
const OWN_RECENT = 5;

/** One op: its kind, the frame to send, and for a reaction the key its event will carry. */
export type Op = {
  kind: OpKind;
  frame: Record<string, unknown>;
  reactionKey?: string;
};

// A reaction goes on, then off, then is left alone: its event key never repeats in a run.
type ReactionState = "pending-on" | "on" | "pending-off" | "done";

const remember = (list: number[], seq: number, cap: number) => {
  list.unshift(seq);
  if (list.length > cap) list.pop();
};

/** Picks each op of a workload and learns message seqs and reaction states from the acks. */
export function createOpPicker(workload: Workload, seed = 1) {
  const rand = mulberry32(seed);
  const recent = new Map<string, number[]>();
  const own = new Map<string, number[]>();
  const reactions = new Map<string, ReactionState>();
  const pending = new Map<string, string>();

  function react(id: string, sender: BenchSocket, room: string): Op | null {
    const seqs = recent.get(room) ?? [];
    const n = seqs.length * EMOJI.length;
    const start = Math.floor(rand() * n);
    for (let i = 0; i < n; i++) {
      const j = (start + i) % n;
      const [seq, emoji] = [
        seqs[j % seqs.length],
        EMOJI[Math.floor(j / seqs.length)],
      ];
      const base = `${room} ${seq} ${emoji} ${sender.userId}`;
      const state = reactions.get(base);
      if (state !== undefined && state !== "on") continue;
      const on = state === undefined;
      reactions.set(base, on ? "pending-on" : "pending-off");
      pending.set(id, base);
      return {
        kind: "react",
        frame: { type: "reaction.set", room, seq, emoji, on, ref: id },
        reactionKey: reactionKey(room, seq, emoji, sender.userId, on),
      };
    }
    return null;
  }

  function edit(id: string, sender: BenchSocket, room: string): Op | null {
    const mine = own.get(`${sender.userId} ${room}`);
    if (!mine?.length) return null;
    const seq = mine[Math.floor(rand() * mine.length)];
    return {
      kind: "edit",
      frame: { type: "message.edit", room, seq, text: `bench ${id}`, ref: id },
    };
  }

  return {
    /** The op with id `id` (clientId or ref), sent by `sender` to `room`. */
    next(id: string, sender: BenchSocket, room: string): Op {
      const r = workload === "send" ? 0 : rand();
      const op = r >= MIX.send + MIX.react
        ? edit(id, sender, room)
        : r >= MIX.send
        ? react(id, sender, room)
        : null;
      return op ?? {
        kind: "send",
        frame: {
          type: "message.send",
          room,
          text: `bench ${id}`,
          clientId: id,
        },
      };
    },
    /** Learns from a sender's frame: a sent message's seq, or a reaction's outcome. */
    onSenderFrame(f: Frame) {
      if (f.type === "message.ack") {
        const { roomId, seq, author } = f.message;
        const list = (r: Map<string, number[]>, k: string) =>
          r.get(k) ?? r.set(k, []).get(k)!;
        remember(list(recent, roomId), seq, RECENT);
        remember(list(own, `${author?.id} ${roomId}`), seq, OWN_RECENT);
        return;
      }
      const base = pending.get(f.ref);
      if (base === undefined || (f.type !== "ack" && f.type !== "error")) {
        return;
      }
      pending.delete(f.ref);
      const state = reactions.get(base);
      // After an error the reaction's state is unknown, so it is not touched again.
      reactions.set(
        base,
        f.type === "ack" && state === "pending-on" ? "on" : "done",
      );
    },
  };
}

/** The op picker's type. */
export type OpPicker = ReturnType<typeof createOpPicker>;
