import { keys } from "../db/keys.ts";
import type { MessageGate } from "../db/messages.ts";
import type { Report, Reports } from "../db/reports.ts";
import { retryCommit, type Store } from "../db/store.ts";
import type { FlagRule } from "../shared/moderation_schemas.ts";
import {
  compileWordList,
  contentRules,
  extractLinks,
  type WordList,
} from "./flag_rules.ts";

/** One user posting one link this often within the window is link spam. */
export const REPEATED_LINK = { times: 3, windowMs: 10 * 60_000 } as const;
/** More than `max` messages by one user in one room within a fixed window is a flood. */
export const FLOOD = { max: 10, windowMs: 10_000 } as const;
/** Links a user's recent-links record keeps at most (the oldest go first). */
export const RECENT_LINKS_CAP = 100;

/** A user's recent links as stored; `expiresAt` because expireIn is lazy. */
type RecentLinks = { items: { link: string; at: number }[]; expiresAt: number };

/** What the flag rules need: the word list, the reports they file, and KV for counting. */
export type FlagContext = { store: Store; reports: Reports; words: WordList };

/** The part of a message the rules read; a stored message or its view both fit. */
export type FlaggableMessage = {
  roomId: string;
  seq: number;
  text: string;
  author: { id: string; handle: string };
};

/** What flagging a message found: the rules it broke and the report they opened or grew. */
export type FlagOutcome = { rules: FlagRule[]; report: Report | null };

/** Builds the flag rules' context from the configured word list. */
export function createFlagContext(
  store: Store,
  reports: Reports,
  words: readonly string[],
): FlagContext {
  return { store, reports, words: compileWordList(words) };
}

/**
 * Records a user's links and answers, for each, how often they posted it within the window
 * (this time included); one checked commit, so concurrent sends each get their own count.
 */
function recordLinks({ kv, clock }: Store, userId: string, links: string[]) {
  const key = keys.recentLinks(userId);
  return retryCommit("recent links", async () => {
    const now = clock.now();
    const e = await kv.get<RecentLinks>(key);
    const live = (e.value && e.value.expiresAt > now ? e.value.items : [])
      .filter((i) => now - i.at < REPEATED_LINK.windowMs);
    const items = [...live, ...links.map((link) => ({ link, at: now }))]
      .slice(-RECENT_LINKS_CAP);
    const value: RecentLinks = {
      items,
      expiresAt: now + REPEATED_LINK.windowMs,
    };
    const res = await kv.atomic().check(e)
      .set(key, value, { expireIn: REPEATED_LINK.windowMs }).commit();
    return res.ok
      ? links.map((l) => items.filter((i) => i.link === l).length)
      : null;
  });
}

/** A send's flood counter: a gate of its commit, and the message's number in its window. */
export type FloodGate = MessageGate & {
  /** The message's number in its author's window for the room, once its commit decided. */
  readonly sent: number;
};

/**
 * Counts a message in its author's flood window for the room, as a gate of the send's own
 * commit: only this room's sends write the counter, so the room head's check covers it.
 * Past max + 1 nothing more is written, so a flood crosses the line exactly once.
 */
export function floodGate(
  roomId: string,
  userId: string,
  now: number,
): FloodGate {
  const windowStart = now - (now % FLOOD.windowMs);
  let sent = 0;
  return {
    key: keys.floodCount(roomId, userId, windowStart),
    decide(value) {
      // A retried commit decides again: the last decision is the committed one.
      sent = ((value as number | null) ?? 0) + 1;
      if (sent > FLOOD.max + 1) return {};
      return { set: sent, expireIn: FLOOD.windowMs * 2 };
    },
    get sent() {
      return sent;
    },
  };
}

/**
 * Runs the automatic rules on a message just created: listed words, too many links, a link
 * repeated across rooms, a flood in its room. Any hit opens (or adds to) the message's one
 * open automatic report. A repeated link and a flood flag the message that crosses the
 * threshold, not every one after it. `sent` is the message's number in its author's flood
 * window (see floodGate). Rejects only when KV fails; the message stands anyway.
 */
export async function flagMessage(
  ctx: FlagContext,
  message: FlaggableMessage,
  sent: number,
): Promise<FlagOutcome> {
  const rules = contentRules(message.text, ctx.words);
  const links = [...new Set(extractLinks(message.text))];
  const linkCounts = links.length
    ? await recordLinks(ctx.store, message.author.id, links)
    : [];
  if (linkCounts.includes(REPEATED_LINK.times)) rules.push("repeated_link");
  if (sent === FLOOD.max + 1) rules.push("flood");
  if (rules.length === 0) return { rules, report: null };
  const report = await ctx.reports.flag(
    {
      userId: message.author.id,
      handle: message.author.handle,
      roomId: message.roomId,
      messageSeq: message.seq,
    },
    rules,
    message.text,
  );
  return { rules, report };
}
