/**
 * How the queues reach Redis. BullMQ opens its own ioredis connections from these options
 * (a worker holds a blocking one to wait for jobs), always under the deployment's key prefix.
 */
import type { ConnectionOptions } from 'bullmq';

/** Where Redis is, and the prefix every key of the deployment (jobs, runs, approvals) starts with. */
export interface RedisSettings {
  url: string;
  prefix: string;
}

export interface ConnectionChoice {
  /**
   * Producers that answer people (the bot): a command sent while Redis is unreachable fails at
   * once, so the caller can say so instead of hanging until Slack gives up on the request.
   */
  failFast?: boolean;
}

/**
 * Reconnect with a growing pause (0.5 s, 1 s, 2 s … up to 10 s) and a little jitter, so a
 * fleet of workers does not reconnect in lockstep after a Redis restart. Never gives up: a
 * worker without Redis has nothing else to do.
 */
export function reconnectDelayMs(attempt: number): number {
  const base = Math.min(250 * 2 ** Math.min(attempt, 10), 10_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Options for BullMQ's `connection`. Workers need `maxRetriesPerRequest: null`: a blocking
 * wait for the next job must survive a reconnect instead of failing after 20 retries
 * (BullMQ warns otherwise).
 */
export function queueConnection(redis: RedisSettings, choice: ConnectionChoice = {}): ConnectionOptions {
  return {
    url: redis.url,
    retryStrategy: reconnectDelayMs,
    ...(choice.failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
  };
}

/**
 * BullMQ's key prefix: under the deployment's prefix, so several deployments share one Redis
 * (`ctrb:` → keys `ctrb:bull:runs:…`). BullMQ adds its own `:` after the prefix.
 */
export function queuePrefix(redis: Pick<RedisSettings, 'prefix'>): string {
  return `${redis.prefix}bull`;
}
