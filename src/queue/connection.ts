/**
 * How the queues reach Redis. BullMQ opens its own ioredis connections from these options
 * (a worker holds a blocking one to wait for jobs), always under the deployment's key prefix.
 */
import type { ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/** Where Redis is, and the prefix every key of the deployment (jobs, runs, approvals) starts with. */
export interface RedisSettings {
  url: string;
  prefix: string;
  /** How long a process waits for Redis when it starts before it gives up, saying so. Default 15 s. */
  connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** Redis could not be reached: a sentence for the operator, with no stack trace to read past. */
export class RedisUnreachableError extends Error {
  override name = 'RedisUnreachableError';
}

/**
 * Resolves once `redis` is connected (connecting it if it was created with `lazyConnect`).
 * While it is not, ioredis keeps retrying; after the settings' connect timeout this rejects
 * with a RedisUnreachableError naming the URL (its password hidden) and the last error, so a
 * command or process that cannot reach Redis says so in one line instead of a stack trace.
 */
export async function whenRedisReady(redis: Redis, settings: RedisSettings): Promise<void> {
  if (redis.status === 'ready') return;
  const timeoutMs = settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  let lastError = 'no answer';
  const onError = (e: Error) => {
    lastError = errorText(e);
  };
  redis.on('error', onError);
  let settle: { ready: () => void; unreachable: () => void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      settle = {
        ready: () => resolve(),
        unreachable: () => reject(new RedisUnreachableError(`Redis at ${maskedRedisUrl(settings.url)} (REDIS_URL) cannot be reached: ${lastError}`)),
      };
      timer = setTimeout(settle.unreachable, timeoutMs);
      redis.once('ready', settle.ready);
      // A client that will not retry (its retryStrategy gave up) ends: no reason to wait longer.
      redis.once('end', settle.unreachable);
      if (redis.status === 'wait') redis.connect().catch(() => undefined);
    });
  } finally {
    clearTimeout(timer);
    redis.off('error', onError);
    if (settle) {
      redis.off('ready', settle.ready);
      redis.off('end', settle.unreachable);
    }
  }
}

/** The URL with its password, if any, replaced by `****`. */
export function maskedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '****';
    return parsed.href;
  } catch {
    return 'the configured URL';
  }
}

/** `connect ECONNREFUSED 127.0.0.1:6379`; an AggregateError (IPv4 and IPv6 refused) by its parts. */
function errorText(e: Error): string {
  if (e instanceof AggregateError && e.errors.length > 0) return (e.errors as Error[]).map((x) => x.message).join('; ');
  return e.message || (e as NodeJS.ErrnoException).code || e.name;
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
