/**
 * One worker at a time advances a run. Two jobs of the same run can be active together: a
 * continuation enqueued by a quick approver while the job that opened the gate is still
 * finishing, or a job taken over as stalled while its first worker is merely slow. The lock
 * makes the second one wait its turn instead of interleaving steps and status updates.
 *
 * The lock lapses by itself (`ttlMs`) when its holder dies, like BullMQ's job lock, and is
 * renewed while the holder works.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export interface HeldLock {
  release(): Promise<void>;
}

/** Takes the lock, or returns undefined when another worker holds it. */
export async function acquireRunLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | undefined> {
  const token = randomUUID();
  const taken = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (taken !== 'OK') return undefined;
  const renewal = setInterval(() => {
    redis.eval(RENEW, 1, key, token, ttlMs).catch(() => {
      // A missed renewal is retried on the next tick; if Redis stays away the lock lapses,
      // which is what a lost worker should look like.
    });
  }, Math.max(250, Math.floor(ttlMs / 2)));
  renewal.unref();
  return {
    async release() {
      clearInterval(renewal);
      await redis.eval(RELEASE, 1, key, token);
    },
  };
}
