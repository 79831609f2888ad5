/**
 * `ctrb audit [--since 24h]`: the audit trail as JSON lines, oldest first, one entry a
 * line, for `jq` or a SIEM. The CLI wires the flags to this handler.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { createLogger } from '../log/logger.js';
import { parseDuration } from '../model/values/duration.js';
import { readIsoTime } from '../model/values/time.js';
import { reconnectDelayMs, whenRedisReady, type RedisSettings } from '../queue/connection.js';
import { AuditTrail } from './audit.js';
import { KeyLayout } from './keys.js';

/** The key prefix a deployment uses unless configured otherwise. */
export const DEFAULT_KEY_PREFIX = 'ctrb:';

export interface AuditCommandOptions {
  /** A duration back from now (`24h`, `7d`) or an ISO 8601 time with a zone. Default: everything. */
  since?: string;
  out?: Writable;
  now?: Date;
}

/**
 * Prints the audit entries and returns how many were printed. Redis out of reach within the
 * settings' connect timeout is a RedisUnreachableError: one sentence, no stack trace.
 */
export async function auditCommand(settings: RedisSettings, options: AuditCommandOptions = {}): Promise<number> {
  const since = options.since === undefined ? undefined : parseSince(options.since, options.now ?? new Date());
  const out = options.out ?? process.stdout;
  const redis = new Redis(settings.url, { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: reconnectDelayMs });
  try {
    await whenRedisReady(redis, settings);
    const trail = new AuditTrail(redis, new KeyLayout(settings.prefix).audit, createLogger({ level: 'silent' }));
    let count = 0;
    for await (const entry of trail.entries(since ? { since } : {})) {
      // A million entries must not pile up in memory when the reader (a pipe) is slower.
      if (!out.write(`${JSON.stringify(entry)}\n`)) await once(out, 'drain');
      count++;
    }
    return count;
  } finally {
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
  }
}

/** `--since` as a time: `24h` back from `now`, or an ISO 8601 time with a zone. */
export function parseSince(text: string, now: Date): Date {
  const duration = parseDuration(text);
  if (duration !== undefined) return new Date(now.getTime() - duration);
  const reading = readIsoTime(text);
  if ('time' in reading) return reading.time;
  if (!reading.malformed) throw new Error(`--since ${JSON.stringify(text)} ${reading.problem}`);
  throw new Error(`--since ${JSON.stringify(text)}: expected a duration such as 24h or 7d, or an ISO 8601 time with a zone such as 2025-01-31T00:00:00Z`);
}
