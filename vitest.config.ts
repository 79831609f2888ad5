import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep parallel DuckDB and Redis work from starving each other.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
