/**
 * Fill the cache with whole log files (a fill job: cache/fill-jobs.ts), as a load with the
 * cache on does for the files it parses, but with no run waiting for it: every column of every
 * event into cache entries, and nothing else.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CacheSettings } from './cache/settings.js';
import type { FillJob } from './cache/fill-jobs.js';
import { loadEvents } from './load.js';
import { createLoadedTableSql } from './loaded-table.js';
import { EVENTS_COLUMNS } from './table.js';

export interface FillOptions {
  threads: number;
  /** DuckDB's memory limit while filling. */
  memoryLimit: string;
  scratchParent: string;
  spillDir: string;
  /** Stops the fill (SIGTERM): DuckDB is interrupted and the staged files removed. */
  signal?: AbortSignal;
}

/** Every time there is: the window does not matter when whole files are cached. */
const ALL_TIME = { start: new Date(0), end: new Date(8.64e15) };

/** Returns how many files the cache holds now that it did not. */
export async function fillCache(settings: CacheSettings, job: FillJob, options: FillOptions): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(options.threads),
    memory_limit: options.memoryLimit,
    preserve_insertion_order: 'false',
    temp_directory: join(options.spillDir, `ctrb-duckdb-fill-spill-${process.pid}`),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await instance.connect();
  const scratchDir = await mkdtemp(join(options.scratchParent, 'ctrb-duckdb-fill-'));
  let release: (() => Promise<void>) | undefined;
  try {
    await connection.run(createLoadedTableSql(EVENTS_COLUMNS));
    const loaded = await loadEvents({
      connection,
      files: job.files.map((path) => ({ path, day: null })),
      window: ALL_TIME,
      columns: EVENTS_COLUMNS,
      cache: settings,
      fill: 'inline',
      needles: null,
      logsPath: job.logsPath,
      scratchDir,
      stagingThreads: options.threads,
      // Whole files go to the cache; should it fail, nothing is kept in memory.
      tableBudgetBytes: 0,
      sessionDir: scratchDir,
      hooks: options.signal ? { signal: options.signal } : {},
    });
    release = () => loaded.cache?.release() ?? Promise.resolve();
    return loaded.report.filesCached;
  } finally {
    connection.closeSync();
    instance.closeSync();
    await release?.();
    await rm(scratchDir, { recursive: true, force: true });
  }
}
