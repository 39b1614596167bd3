import type { Backoff, Limit } from "../db/rate_limits.ts";

/**
 * Login backoff per (address, handle), counting failed attempts only (a success clears
 * it): 5 failures free, then 5 s, 10 s, 20 s … doubling to at most 15 min between tries,
 * forgotten an hour after the last try. One address guessing one handle gets 15 tries
 * in the first hour and 4 an hour after that; the owner elsewhere is never affected.
 */
const loginBackoff = {
  bucket: "login_backoff",
  free: 5,
  baseMs: 5_000,
  maxMs: 900_000,
  resetMs: 3_600_000,
} satisfies Backoff;

/** Messages per user, over HTTP and WebSocket together. */
const send = { bucket: "send", windowMs: 10_000, max: 60 } satisfies Limit;

/** Every rate limit Vicinity applies, in one place. */
export const LIMITS = {
  /** Registrations per client address. */
  register: { bucket: "register", windowMs: 3_600_000, max: 20 },
  /** Login attempts per client address across all handles (credential stuffing): 30 per 10 min. */
  login: { bucket: "login", windowMs: 600_000, max: 30 },
  /** Failed-login backoff per (address, handle); see above. */
  loginBackoff,
  /**
   * Checked login attempts against one handle from anywhere: past 100 an hour the handle
   * is under distributed guessing, and every address gets `loginBackoffHot` instead.
   * It only slows: each address's first try still goes through, so the owner gets in.
   */
  loginHandle: { bucket: "login_handle", windowMs: 3_600_000, max: 100 },
  /** The backoff while a handle is past its ceiling: one free failure per address. */
  loginBackoffHot: { ...loginBackoff, free: 1 },
  send,
  /** A guest's messages, counted besides `send`: half as many. */
  guestSend: { ...send, bucket: "guest_send", max: send.max / 2 },
  /** Guest accounts made per client address (an embedded room's visitors). */
  guestSignUp: { bucket: "guest_sign_up", windowMs: 3_600_000, max: 10 },
  /** Edits, deletes, reactions and pins per user, over HTTP and WebSocket together. */
  act: { bucket: "act", windowMs: 10_000, max: 120 },
  /** Read marks per user (one per message seen is plenty). */
  read: { bucket: "read", windowMs: 10_000, max: 120 },
  /**
   * Password checks on behalf of a signed-in user (password change, account deletion): a
   * stolen session must not become a fast password oracle.
   */
  passwordCheck: { bucket: "password_check", windowMs: 600_000, max: 10 },
  /** Rooms created per user. */
  createRoom: { bucket: "create_room", windowMs: 3_600_000, max: 20 },
  /** Reports (of messages and users) per user, repeats included. */
  report: { bucket: "report", windowMs: 3_600_000, max: 20 },
} satisfies Record<string, Limit | Backoff>;
