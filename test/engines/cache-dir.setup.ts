/** Vitest global setup: the test run's cache folder (vitest.config.ts) is removed when the run ends. */
import { rm } from 'node:fs/promises';
import { TEST_CACHE_DIR } from '../../vitest.config.js';

export function setup(): () => Promise<void> {
  return () => rm(TEST_CACHE_DIR, { recursive: true, force: true });
}
