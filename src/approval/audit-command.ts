/**
 * `ctrb audit [--since 24h] [--runbook ID] [--user U…] [--kind EVENT]`: the audit trail as
 * JSON lines, oldest first, one entry a line, for `jq` or a SIEM. The CLI wires the flags to
 * this handler.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { createLogger } from '../log/logger.js';
import { parseDuration } from '../model/values/duration.js';
import { readIsoTime } from '../model/values/time.js';
import { reconnectDelayMs, whenRedisReady, type RedisSettings } from '../queue/connection.js';
import { AUDIT_EVENTS, AuditTrail, type AuditEntry, type AuditEvent } from './audit.js';
import { KeyLayout } from './keys.js';

/** The key prefix a deployment uses unless configured otherwise. */
export const DEFAULT_KEY_PREFIX = 'ctrb:';

export interface AuditCommandOptions {
  /** A duration back from now (`24h`, `7d`) or an ISO 8601 time with a zone. Default: everything. */
  since?: string;
  /** Only entries about this runbook. */
  runbook?: string;
  /** Only entries this person (a Slack user id, `alarm:<name>`, `system`) acted in. */
  user?: string;
  /** Only entries of this kind (`run_started`, `pivot`, `evidence_exported`, `decision` …). */
  kind?: string;
  out?: Writable;
  now?: Date;
}

/**
 * Prints the audit entries and returns how many were printed. Redis out of reach within the
 * settings' connect timeout is a RedisUnreachableError: one sentence, no stack trace.
 */
export async function auditCommand(settings: RedisSettings, options: AuditCommandOptions = {}): Promise<number> {
  const since = options.since === undefined ? undefined : parseSince(options.since, options.now ?? new Date());
  const kind = options.kind === undefined ? undefined : parseKind(options.kind);
  const wanted = (e: AuditEntry): boolean =>
    (options.runbook === undefined || e.runbookId === options.runbook) && (options.user === undefined || e.actor === options.user) && (kind === undefined || e.event === kind);
  const out = options.out ?? process.stdout;
  const redis = new Redis(settings.url, { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: reconnectDelayMs });
  try {
    await whenRedisReady(redis, settings);
    const trail = new AuditTrail(redis, new KeyLayout(settings.prefix).audit, createLogger({ level: 'silent' }));
    let count = 0;
    for await (const entry of trail.entries(since ? { since } : {})) {
      if (!wanted(entry)) continue;
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

/** `--kind` as an audit event name; anything else is refused, listing them. */
export function parseKind(text: string): AuditEvent {
  if ((AUDIT_EVENTS as readonly string[]).includes(text)) return text as AuditEvent;
  throw new Error(`--kind ${JSON.stringify(text)} is not a kind of audit entry: use one of ${AUDIT_EVENTS.join(', ')}`);
}
