/**
 * Load a time window of CloudTrail files, once per session, into the `events` view
 * (loaded-table.ts).
 *
 * 1. Files the cache holds (with every column the run needs) are read from it.
 * 2. The others are staged ahead of DuckDB (read, gunzipped, split into one event per line,
 *    written to scratch files: stage.ts) while DuckDB inserts earlier batches, so the work in
 *    JavaScript and zlib overlaps DuckDB's; each batch is then written to the cache.
 *
 * A file that cannot be read is named in a warning and the rest is loaded.
 */
import { rm } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EngineHooks, LoadProgress, TimeWindow } from '../../engine.js';
import { EventCache, type LoadedFile } from './cache/event-cache.js';
import type { CachedGroup, KeyedFile } from './cache/plan.js';
import type { CacheSettings } from './cache/settings.js';
import { displayPath, type LogFile } from './discover.js';
import { insertWithBisect, type StagedPart } from './insert.js';
import { createEventsViewSql } from './loaded-table.js';
import { prefetchInOrder } from './prefetch.js';
import { ProgressThrottle } from './progress.js';
import type { DocumentKind } from './split.js';
import { stageFile, stagedBytes, type StagedFile } from './stage.js';
import { EVENTS_TABLE, type EventColumn } from './table.js';

export interface LoadTuning {
  /** Uncompressed bytes of events per INSERT statement. */
  batchBytes: number;
  /** Files read and decompressed at the same time. */
  stagingConcurrency: number;
  /** Bytes of staged events allowed to wait (in scratch files) while DuckDB inserts. */
  stagingAheadBytes: number;
}

/**
 * Staging runs ahead by more than a batch, so the next batch is ready when DuckDB finishes
 * one; batches are files by the hundred, which DuckDB spreads over its threads file by file.
 * Memory holds only the files being staged; disk holds at most a batch and the bytes ahead.
 */
export const DEFAULT_TUNING: LoadTuning = {
  batchBytes: 64 * 1024 * 1024,
  stagingConcurrency: 2,
  stagingAheadBytes: 128 * 1024 * 1024,
};

export interface LoadRequest {
  connection: DuckDBConnection;
  files: LogFile[];
  window: TimeWindow;
  /** The columns to load (columns.ts). */
  columns: ReadonlyArray<EventColumn>;
  /** The cache to read and fill; null to parse every file. */
  cache: CacheSettings | null;
  /** The path the user gave, to print file names relative to it. */
  logsPath: string;
  scratchDir: string;
  hooks: EngineHooks;
  tuning?: Partial<LoadTuning>;
}

export interface LoadReport extends LoadProgress {
  /** Events of the window now in the table. */
  eventsLoaded: number;
  /** One sentence per file that was skipped. */
  problems: string[];
  /** Files whose events were read from the cache instead of being parsed. */
  filesFromCache: number;
  /** Files parsed by this load and written to the cache. */
  filesCached: number;
}

interface Batch {
  parts: Record<DocumentKind, StagedPart[]>;
  /** Every file of the batch that was read, with or without events. */
  files: LoadedFile[];
  bytes: number;
}

const emptyBatch = (): Batch => ({ parts: { records: [], lookup: [] }, files: [], bytes: 0 });

export async function loadEvents(request: LoadRequest): Promise<LoadReport> {
  const { connection, files, window, hooks, columns } = request;
  const tuning = { ...DEFAULT_TUNING, ...request.tuning };
  const { signal } = hooks;
  const progress: LoadProgress = { filesRead: 0, filesTotal: files.length, eventsRead: 0 };
  const throttle = new ProgressThrottle(hooks.onProgress);
  const problems: string[] = [];
  let filesFromCache = 0;
  let filesCached = 0;
  let cache: EventCache | null = null;

  const warn = (message: string): void => hooks.onWarning?.(message);
  const skip = (source: string, problem: string): void => {
    const sentence = `skipped ${displayPath(source, request.logsPath)}: ${problem}`;
    problems.push(sentence);
    warn(sentence);
  };

  const flush = async (batch: Batch): Promise<void> => {
    // Rows bound for the cache keep every event of their files; the view applies the window.
    const toCache = cache?.writable ?? false;
    const failed = new Set<string>();
    for (const kind of ['records', 'lookup'] as const) {
      const insert = { connection, kind, columns, window: toCache ? null : window, signal };
      for (const failure of await insertWithBisect(insert, batch.parts[kind])) {
        skip(failure.source, failure.problem);
        failed.add(failure.source);
      }
    }
    if (toCache) filesCached += await cache!.write(connection, batch.files.filter((f) => !failed.has(f.source)));
    await Promise.all(Object.values(batch.parts).flat().map((part) => rm(part.path, { force: true })));
  };

  // DuckDB runs a statement on its own threads: interrupting it is how an abort lands there.
  const interrupt = (): void => connection.interrupt();
  signal?.addEventListener('abort', interrupt, { once: true });
  try {
    signal?.throwIfAborted();
    let toParse: KeyedFile[] = files.map((file, number) => ({ file, number, key: null }));
    cache = request.cache ? await EventCache.open(request.cache, columns, warn) : null;
    if (cache) {
      const plan = await cache.plan(files);
      toParse = plan.misses;
      for (const groups of readsOf(plan.groups)) {
        signal?.throwIfAborted();
        const cached = groups.flatMap((g) => g.files);
        try {
          await cache.read(connection, groups, window);
        } catch {
          // Gone or unreadable (another process evicted it, say): parse those files instead.
          signal?.throwIfAborted();
          toParse.push(...cached.map((f) => f.keyed));
          continue;
        }
        progress.filesRead += cached.length;
        progress.eventsRead += cached.reduce((sum, f) => sum + f.events, 0);
        filesFromCache += cached.length;
        throttle.update(progress);
      }
    }

    const keys = new Map(toParse.map((k) => [k.number, k.key]));
    let batch = emptyBatch();
    const staging = prefetchInOrder(toParse, (k): Promise<StagedFile> => stageFile(k.file.path, k.number, request.scratchDir), {
      concurrency: tuning.stagingConcurrency,
      aheadBytes: tuning.stagingAheadBytes,
      sizeOf: stagedBytes,
    });
    for await (const staged of staging) {
      signal?.throwIfAborted();
      progress.filesRead++;
      if (!staged.ok) {
        skip(staged.source, staged.problem);
      } else {
        progress.eventsRead += staged.events;
        batch.files.push({ source: staged.source, number: staged.number, key: keys.get(staged.number) ?? null, events: staged.events });
        if (staged.path !== null) {
          batch.parts[staged.kind].push({ source: staged.source, path: staged.path });
          batch.bytes += staged.bytes;
        }
        if (batch.bytes >= tuning.batchBytes) {
          await flush(batch);
          batch = emptyBatch();
        }
      }
      throttle.update(progress);
    }
    await flush(batch);
    signal?.throwIfAborted();
  } finally {
    signal?.removeEventListener('abort', interrupt);
  }
  await cache?.evict();

  await connection.run(createEventsViewSql(columns, window));
  const eventsLoaded = await countEvents(connection);
  throttle.finish(progress);
  return { ...progress, eventsLoaded, problems, filesFromCache, filesCached };
}

/** Whole entries are read together, in one statement; an entry read in part, on its own. */
function readsOf(groups: readonly CachedGroup[]): CachedGroup[][] {
  const whole = groups.filter((g) => g.whole);
  return [...(whole.length > 0 ? [whole] : []), ...groups.filter((g) => !g.whole).map((g) => [g])];
}

async function countEvents(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${EVENTS_TABLE}`);
  return Number(reader.getRows()[0]?.[0] ?? 0);
}
