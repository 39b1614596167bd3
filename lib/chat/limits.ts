import { AppError } from "../shared/errors.ts";
import {
  FRAME_BURST,
  FRAMES_PER_SECOND,
  MAX_SOCKETS_PER_ADDRESS,
  MAX_SOCKETS_PER_USER,
} from "../shared/protocol.ts";

/** A token bucket over inbound frames: `burst` back to back, refilled at `perSecond`. */
export type FrameBucket = {
  /** Takes one frame's token; false means the socket is flooding. */
  take(): boolean;
};

const monotonicMs = () => performance.now();

/** The bucket's state lives in one object and `take` on its prototype. */
class TokenBucket implements FrameBucket {
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(burst: number, perSecond: number, now: () => number) {
    this.#burst = burst;
    this.#perSecond = perSecond;
    this.#now = now;
    this.#tokens = burst;
    this.#at = now();
  }

  take(): boolean {
    const t = this.#now();
    const refill = ((t - this.#at) * this.#perSecond) / 1_000;
    this.#tokens = Math.min(this.#burst, this.#tokens + refill);
    this.#at = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Builds a socket's frame bucket; `now` is in milliseconds and only ever compared. */
export function createFrameBucket(
  burst = FRAME_BURST,
  perSecond = FRAMES_PER_SECOND,
  now: () => number = monotonicMs,
): FrameBucket {
  return new TokenBucket(burst, perSecond, now);
}

/** Open sockets one isolate accepts per user and per client address. */
export type SocketCaps = { perUser: number; perAddress: number };

/** The caps production uses. */
export const DEFAULT_CAPS: SocketCaps = {
  perUser: MAX_SOCKETS_PER_USER,
  perAddress: MAX_SOCKETS_PER_ADDRESS,
};

/** The refusal of one socket too many: 429 `too_many_connections`. */
export function tooManySockets(
  scope: "user" | "address",
  limit: number,
): AppError {
  const whose = scope === "user" ? "per user" : "from one address";
  return new AppError(
    429,
    "too_many_connections",
    `At most ${limit} open connections ${whose}; close one first`,
    { scope, limit },
  );
}

/** Counts this isolate's open sockets per user and per address against the caps. */
export function createSocketCounts(caps: SocketCaps) {
  const users = new Map<string, number>();
  const addresses = new Map<string, number>();
  const bump = (m: Map<string, number>, key: string, by: number) => {
    const n = (m.get(key) ?? 0) + by;
    if (n > 0) m.set(key, n);
    else m.delete(key);
  };
  return {
    /** Why one more socket for this user (if known) and address may not open, or null. */
    refusal(userId: string | null, address: string | null): AppError | null {
      if (userId !== null && (users.get(userId) ?? 0) >= caps.perUser) {
        return tooManySockets("user", caps.perUser);
      }
      if (
        address !== null && (addresses.get(address) ?? 0) >= caps.perAddress
      ) {
        return tooManySockets("address", caps.perAddress);
      }
      return null;
    },
    /** Counts a socket in (+1) or out (-1) under its user and address. */
    count(userId: string | null, address: string | null, by: 1 | -1) {
      if (userId !== null) bump(users, userId, by);
      if (address !== null) bump(addresses, address, by);
    },
  };
}

/** The socket counts' type. */
export type SocketCounts = ReturnType<typeof createSocketCounts>;
