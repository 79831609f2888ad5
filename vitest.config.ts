import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The engine's cache of parsed events lives in a folder of this test run's own, never the
 * user's: CTRB_CACHE_DIR for the tests, and a HOME of its own for the processes tests start
 * with a bare environment (a worker's default cache is under $HOME/.cache).
 * test/engines/cache-dir.setup.ts makes them and removes them afterwards.
 */
export const TEST_CACHE_DIR = join(tmpdir(), `ctrb-test-cache-${process.pid}`);
export const TEST_HOME = join(tmpdir(), `ctrb-test-home-${process.pid}`);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Sized for a shared CI machine with other work beside it (load average 10 and more on
    // two cores): a test that starts whole ctrb processes can take several times its usual
    // time there. No outcome depends on it; it only bounds how long a hung test waits.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: keep parallel DuckDB and Redis work from starving each other.
    maxWorkers: 2,
    minWorkers: 1,
    env: { CTRB_CACHE: 'on', CTRB_CACHE_DIR: TEST_CACHE_DIR, HOME: TEST_HOME },
    globalSetup: ['test/support/built-cli.setup.ts', 'test/engines/cache-dir.setup.ts'],
  },
});
