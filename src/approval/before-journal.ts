/**
 * The state of each target as first read before an approved remediation changed it, kept in
 * Redis per approval. A job retried after its worker died mid-execution reads the targets
 * again and finds them changed already; undo must still restore what was there before the
 * first attempt, so the first read wins.
 */
import type { Redis } from 'ioredis';
import type { TargetState } from '../remediation/index.js';

/** Long enough to outlive any undo request (approval records are kept 30 days). */
const RETENTION_SECONDS = 31 * 86_400;

export function beforeJournal(redis: Redis, prefix: string, approvalId: string) {
  const key = `${prefix}remediation-before:${approvalId}`;
  return async (target: Record<string, string>, state: TargetState): Promise<TargetState> => {
    const field = JSON.stringify(Object.entries(target).sort(([a], [b]) => a.localeCompare(b)));
    const [, [, kept]] = (await redis.multi().hsetnx(key, field, JSON.stringify(state)).hget(key, field).expire(key, RETENTION_SECONDS).exec()) as [
      [Error | null, unknown],
      [Error | null, string | null],
      [Error | null, unknown],
    ];
    return kept ? (JSON.parse(kept) as TargetState) : state;
  };
}
