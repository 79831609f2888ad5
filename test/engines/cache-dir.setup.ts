/** Vitest global setup: the test run's cache folder and HOME (vitest.config.ts), removed when the run ends. */
import { mkdir, rm } from 'node:fs/promises';
import { TEST_CACHE_DIR, TEST_HOME } from '../../vitest.config.js';

export async function setup(): Promise<() => Promise<void>> {
  await mkdir(TEST_HOME, { recursive: true });
  return async () => {
    await rm(TEST_CACHE_DIR, { recursive: true, force: true });
    await rm(TEST_HOME, { recursive: true, force: true });
  };
}
