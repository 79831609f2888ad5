/**
 * LookupEvents allows 2 requests per second per account and region, for the whole account:
 * every worker querying that account shares the budget. The limiter spaces requests evenly
 * (each one reserves the next free slot, 1/rate seconds after the previous reservation), so
 * the rate holds in any one-second window, not just on average; a small margin absorbs the
 * network jitter between a slot and the request reaching AWS.
 *
 * - `redisRateLimiter`: the slots live in Redis (one key per account and region, advanced by
 *   a Lua script on Redis's own clock), shared by every worker process.
 * - `memoryRateLimiter`: the same within one process (the terminal, which has no Redis).
 */
import type { Redis } from 'ioredis';
import { realClock, type Clock } from '../../../aws/poll.js';

export interface RateLimiter {
  /** Resolves when a request under `key` may be sent; rejects when `signal` aborts first. */
  acquire(key: string, signal?: AbortSignal): Promise<void>;
}

/** Slots are this much further apart than the bare rate implies (2/s → one every 550 ms). */
export const SPACING_MARGIN = 1.1;

export function slotSpacingMs(requestsPerSecond: number): number {
  return Math.ceil((1000 / requestsPerSecond) * SPACING_MARGIN);
}

/**
 * KEYS[1]: the next free slot (ms, Redis time). ARGV[1]: the spacing in ms.
 * Returns the slot it just reserved and how long the caller waits for it (both in ms), so
 * that the schedule itself can be read, whatever the network adds after it.
 */
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local spacing = tonumber(ARGV[1])
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(nextFree, now)
redis.call('SET', KEYS[1], tostring(at + spacing), 'PX', tostring(at + spacing - now + 1000))
return {at, at - now}
`;

export interface RedisLimiterOptions {
  requestsPerSecond: number;
  /** The deployment's key prefix (`ctrb:`). */
  prefix: string;
  clock?: Clock;
}

export function redisRateLimiter(redis: Redis, options: RedisLimiterOptions): RateLimiter {
  const spacing = slotSpacingMs(options.requestsPerSecond);
  const clock = options.clock ?? realClock;
  return {
    async acquire(key, signal) {
      signal?.throwIfAborted();
      const [, waitMs] = (await redis.eval(RESERVE_SLOT, 1, `${options.prefix}rate:${key}`, String(spacing))) as [number, number];
      if (waitMs > 0) await clock.sleep(waitMs, signal);
    },
  };
}

export function memoryRateLimiter(requestsPerSecond: number, clock: Clock = realClock): RateLimiter {
  const spacing = slotSpacingMs(requestsPerSecond);
  const nextFree = new Map<string, number>();
  return {
    async acquire(key, signal) {
      signal?.throwIfAborted();
      const now = clock.now();
      const at = Math.max(nextFree.get(key) ?? 0, now);
      nextFree.set(key, at + spacing);
      if (at > now) await clock.sleep(at - now, signal);
    },
  };
}

/** One bucket per account and region: the scope of AWS's own limit. */
export function lookupLimiterKey(accountId: string | undefined, region: string): string {
  return `lookup-events:${accountId ?? 'own-account'}:${region}`;
}
