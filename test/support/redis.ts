/**
 * A real Redis for a test file: `useTestRedis()` starts one before the file's tests and stops
 * it after (see redis-server.ts for where the Redis comes from and how tests stay apart).
 */
import { afterAll, beforeAll } from 'vitest';
import { startTestRedis, type TestRedis } from './redis-server.js';

export { startTestRedis, type TestRedis, type TestRedisOptions } from './redis-server.js';

/**
 * Registers `beforeAll` / `afterAll` hooks in the calling test file and returns an object
 * whose members work once the tests run.
 */
export function useTestRedis(): TestRedis {
  let redis: TestRedis | undefined;
  const current = (): TestRedis => {
    if (!redis) throw new Error('useTestRedis(): the Redis is only available inside tests and hooks');
    return redis;
  };
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return {
    get url() {
      return current().url;
    },
    get ownServer() {
      return current().ownServer;
    },
    prefix: () => current().prefix(),
    connect: () => current().connect(),
    stop: () => current().stop(),
  };
}

