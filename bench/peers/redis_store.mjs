/**
 * Sessions and room logs in Redis: each message is stored, with the room's next seq, by
 * one Lua script (INCR + HSET, atomic) before it is acked or fanned out.
 */
import { requirePackage } from "./common.mjs";

const Redis = requirePackage("ioredis");

const APPEND = `local seq = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], seq, ARGV[1])
return seq`;

/** A store on the Redis at 127.0.0.1:`port`. */
export function redisStore(port) {
  const redis = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
  redis.defineCommand("appendMessage", { numberOfKeys: 2, lua: APPEND });
  return {
    saveSession: (token, user) =>
      redis.set(`session:${token}`, JSON.stringify(user)),
    session: async (token) => {
      const v = await redis.get(`session:${token}`);
      return v ? JSON.parse(v) : null;
    },
    head: async (room) => Number(await redis.get(`room:${room}:seq`) ?? 0),
    // Replies come back in command order, so fan-out follows seq order.
    append: (room, json) =>
      redis.appendMessage(`room:${room}:seq`, `room:${room}:log`, json),
    close: () => redis.quit(),
  };
}
