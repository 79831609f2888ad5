import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The engine's cache of typed events (CTRB_CACHE_DIR) lives in a folder of this test run's
 * own, never the user's; test/engines/cache-dir.setup.ts removes it afterwards.
 */
export const TEST_CACHE_DIR = join(tmpdir(), `ctrb-test-cache-${process.pid}`);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep parallel DuckDB and Redis work from starving each other.
    maxWorkers: 2,
    minWorkers: 1,
    env: { CTRB_CACHE: 'on', CTRB_CACHE_DIR: TEST_CACHE_DIR },
    globalSetup: ['test/engines/cache-dir.setup.ts'],
  },
});
