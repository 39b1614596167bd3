import type { Limit } from "../db/rate_limits.ts";

/** Every rate limit Vicinity applies, in one place. */
export const LIMITS = {
  /** Registrations per client address. */
  register: { bucket: "register", windowMs: 3_600_000, max: 20 },
  /** Login attempts per client address. */
  login: { bucket: "login", windowMs: 600_000, max: 30 },
  /** Login attempts against one handle, from anywhere. */
  loginHandle: { bucket: "login_handle", windowMs: 600_000, max: 10 },
  /** Messages per user, over HTTP and WebSocket together. */
  send: { bucket: "send", windowMs: 10_000, max: 60 },
  /** Edits, deletes, reactions and pins per user, over HTTP and WebSocket together. */
  act: { bucket: "act", windowMs: 10_000, max: 120 },
  /** Read marks per user (one per message seen is plenty). */
  read: { bucket: "read", windowMs: 10_000, max: 120 },
  /** Rooms created per user. */
  createRoom: { bucket: "create_room", windowMs: 3_600_000, max: 20 },
} satisfies Record<string, Limit>;
