/**
 * Load a time window of CloudTrail files, once per session, into the `events` view
 * (loaded-table.ts).
 *
 * 1. Files the cache holds (with every column the run needs) are read from it.
 * 2. The others are read in batches, each file whole by DuckDB (direct.ts); the few it cannot
 *    take are read the careful way (careful.ts), which names what is wrong with a file that
 *    cannot be read at all. Each batch is then written to the cache.
 *
 * Every event of each file is loaded, not only the window's: a cache entry holds whole files
 * (it serves later runs over other windows), and the view applies the window.
 * A file that cannot be read is named in a warning and the rest is loaded.
 *
 * No worker threads: reading a file whole is DuckDB's work on DuckDB's threads (both cores),
 * and JavaScript only orders it. (When JavaScript split the files, the split ran on the main
 * thread while zlib and DuckDB ran on theirs, so the two cores were already busy; splitting in
 * two workers measured more CPU, 7-8 s against 6.3 s per million events, not less.)
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EngineHooks } from '../../engine.js';
import type { LoadProgress, TimeWindow } from '../../../model/query.js';
import { EventCache, type LoadedFile } from './cache/event-cache.js';
import type { CachedGroup, KeyedFile } from './cache/plan.js';
import type { CacheSettings } from './cache/settings.js';
import { readCarefully } from './careful.js';
import { readDirect, type DirectFile } from './direct.js';
import { displayPath, type LogFile } from './discover.js';
import { documentInfo } from './document-size.js';
import { createEventsViewSql } from './loaded-table.js';
import { pollStatementProgress, ProgressThrottle } from './progress.js';
import { EVENTS_TABLE, type EventColumn } from './table.js';

export interface LoadTuning {
  /** Bytes of JSON (uncompressed) per statement. */
  batchBytes: number;
  /** Files per statement, at most. */
  batchFiles: number;
}

/**
 * Each statement costs DuckDB a setup and ends with a thread waiting for the last file:
 * measured on a million events, one statement took 10-15% less time than seven. So batches
 * are large (a batch is also one cache entry); an abort still lands mid-statement.
 */
export const DEFAULT_TUNING: LoadTuning = {
  batchBytes: 1024 * 1024 * 1024,
  batchFiles: 5000,
};

export interface LoadRequest {
  connection: DuckDBConnection;
  files: LogFile[];
  window: TimeWindow;
  /** The columns to load (columns.ts). */
  columns: ReadonlyArray<EventColumn>;
  /** The cache to read and fill; null to read every file. */
  cache: CacheSettings | null;
  /** The path the user gave, to print file names relative to it. */
  logsPath: string;
  /** Where the careful read writes its files, for as long as the load lasts. */
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

  /** Read one batch: whole where DuckDB can, carefully where not; then cache what was read. */
  const readBatch = async (batch: readonly (KeyedFile & DirectFile)[]): Promise<void> => {
    const before = progress.filesRead;
    const stopPolling = pollStatementProgress(connection, (done) => {
      if (!signal?.aborted) throttle.update({ ...progress, filesRead: before + Math.floor(done * batch.length) });
    });
    const whole = batch.filter((f) => !f.suspect);
    const { failed, counts } = await readDirect(connection, whole, columns, signal).finally(stopPolling);
    const loaded: LoadedFile[] = [];
    for (const file of batch) {
      const count = counts.get(file.number) ?? { rows: 0, timed: 0 };
      // Read whole, unless it failed, gave the one empty row of a document without Records, or
      // gave nothing at all: an empty or cut-off file can read as "no events" without an error,
      // and only the careful read tells a damaged file from one with an empty Records array.
      // A gzip whose trailer shows it cut off is read only the careful way (document-size.ts).
      let events = count.rows;
      if (file.suspect || failed.includes(file) || count.rows === 0 || (count.rows === 1 && count.timed === 0)) {
        signal?.throwIfAborted();
        const careful = await readCarefully(connection, file, columns, request.scratchDir, signal);
        if (!careful.ok) {
          skip(file.source, careful.problem);
          continue;
        }
        events = careful.events;
      }
      progress.eventsRead += events;
      loaded.push({ source: file.source, number: file.number, key: file.key, events });
    }
    progress.filesRead += batch.length;
    if (cache?.writable) filesCached += await cache.write(connection, loaded);
  };

  // DuckDB runs a statement on its own threads: interrupting it is how an abort lands there.
  const interrupt = (): void => connection.interrupt();
  signal?.addEventListener('abort', interrupt, { once: true });
  try {
    signal?.throwIfAborted();
    let toRead: KeyedFile[] = files.map((file, number) => ({ file, number, key: null }));
    cache = request.cache ? await EventCache.open(request.cache, columns, warn) : null;
    if (cache) {
      const plan = await cache.plan(files);
      toRead = plan.misses;
      for (const groups of readsOf(plan.groups, (g) => cache!.signatureOf(g))) {
        signal?.throwIfAborted();
        const cached = groups.flatMap((g) => g.files);
        try {
          await cache.read(connection, groups, window);
        } catch {
          // Gone or unreadable (another process evicted it, say): read those files instead.
          signal?.throwIfAborted();
          toRead.push(...cached.map((f) => f.keyed));
          continue;
        }
        progress.filesRead += cached.length;
        progress.eventsRead += cached.reduce((sum, f) => sum + f.events, 0);
        filesFromCache += cached.length;
        throttle.update(progress);
      }
    }

    for (const batch of batchesOf(await describe(toRead), tuning)) {
      signal?.throwIfAborted();
      await readBatch(batch);
      throttle.update(progress);
    }
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

/** Each file with what DuckDB needs to know to read it whole. */
async function describe(files: readonly KeyedFile[]): Promise<(KeyedFile & DirectFile)[]> {
  const described: (KeyedFile & DirectFile)[] = [];
  // A few at a time: these are small reads, but a folder may hold thousands of files.
  for (let i = 0; i < files.length; i += 64) {
    const chunk = files.slice(i, i + 64);
    const infos = await Promise.all(chunk.map((f) => documentInfo(f.file.path)));
    chunk.forEach((f, k) => described.push({ ...f, source: f.file.path, ...infos[k]! }));
  }
  return described;
}

/** Files in path order, cut into batches of about `batchBytes` of JSON. */
function* batchesOf<T extends DirectFile>(files: readonly T[], tuning: LoadTuning): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const file of files) {
    batch.push(file);
    bytes += file.bytes;
    if (bytes >= tuning.batchBytes || batch.length >= tuning.batchFiles) {
      yield batch;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Whole entries holding the columns with the same types are read together, in one statement;
 * an entry read in part, on its own.
 */
function readsOf(groups: readonly CachedGroup[], signatureOf: (group: CachedGroup) => string): CachedGroup[][] {
  const whole = new Map<string, CachedGroup[]>();
  for (const group of groups.filter((g) => g.whole)) {
    const signature = signatureOf(group);
    whole.set(signature, [...(whole.get(signature) ?? []), group]);
  }
  return [...whole.values(), ...groups.filter((g) => !g.whole).map((g) => [g])];
}

async function countEvents(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${EVENTS_TABLE}`);
  return Number(reader.getRows()[0]?.[0] ?? 0);
}
