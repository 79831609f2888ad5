/**
 * Load a time window of CloudTrail files, once per session, behind the `events` view
 * (loaded-table.ts).
 *
 * 1. Files the cache holds are not read at all: queries read their entries' Parquet files.
 * 2. The others are staged: gunzipped and split into one event per line by the staging
 *    threads (stage-pool.ts), on every core, while DuckDB parses and types what is already
 *    staged (read-staged.ts), batch after batch:
 *    - filling the cache as it goes (`fill: 'inline'`), every column of every event goes
 *      straight into a new cache entry, which queries then read like any other;
 *    - else only the columns the run reads go into the session's table, and only the events
 *      that can matter: those inside the window that hold one of the run's needles
 *      (line-filter.ts); the files are left for the cache to be filled with later
 *      (background-fill.ts).
 *
 * A file that cannot be read is named in a warning and the rest is loaded. Scratch files live
 * only while their batch is read, so at most a few batches of JSON are on disk at once.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EngineHooks } from '../../engine.js';
import type { LoadProgress, TimeWindow } from '../../../model/query.js';
import { EventCache, type EntryTarget, type ParquetSource } from './cache/event-cache.js';
import type { KeyedFile } from './cache/plan.js';
import type { CacheSettings } from './cache/settings.js';
import { displayPath, type LogFile } from './discover.js';
import type { LineVerdicts } from './line-filter.js';
import { readStaged, type StagedPart } from './read-staged.js';
import { ProgressThrottle } from './progress.js';
import { StagePool } from './stage-pool.js';
import type { StageOutcome } from './stage-task.js';
import { EVENTS_COLUMNS, type EventColumn } from './table.js';

export interface LoadTuning {
  /** Bytes of staged JSON per statement (and per cache entry). */
  batchBytes: number;
  /** Files per statement, at most. */
  batchFiles: number;
  /** Overrides the table's budget (LoadRequest.tableBudgetBytes); tests make it small. */
  tableBytes?: number;
}

/**
 * A statement costs DuckDB a setup and ends with a thread waiting for its last rows, so
 * batches are large; but a batch's JSON waits on disk while it is read (and the next one is
 * staged), and each is one cache entry, so not too large.
 */
export const DEFAULT_TUNING: LoadTuning = {
  batchBytes: 256 * 1024 * 1024,
  batchFiles: 5000,
};

export interface LoadRequest {
  connection: DuckDBConnection;
  files: LogFile[];
  window: TimeWindow;
  /** The columns the run reads (columns.ts): what the session's table holds. */
  columns: ReadonlyArray<EventColumn>;
  /** The cache to read (and fill); null to read every file. */
  cache: CacheSettings | null;
  /** Write what is parsed to the cache now (`inline`), or leave it to be filled later (`later`). */
  fill: 'inline' | 'later';
  /** Each event a query of the run can match holds one of these; null when that is not known. */
  needles: readonly string[] | null;
  /** The path the user gave, to print file names relative to it. */
  logsPath: string;
  /** Where staged files wait, for as long as the load lasts. */
  scratchDir: string;
  /** Threads that gunzip and split files (stage-pool.ts). */
  stagingThreads: number;
  /**
   * Bytes of staged JSON the session's table takes, at most (it lives in memory, which
   * DuckDB cannot spill). Past it, what the run can see of each file goes to Parquet files of
   * the session's own in `sessionDir` (and the file to the background fill).
   */
  tableBudgetBytes: number;
  /** Where the session's own Parquet files go (made when first needed); they live as long as the session. */
  sessionDir: string;
  hooks: EngineHooks;
  tuning?: Partial<LoadTuning>;
}

export interface LoadReport extends LoadProgress {
  /** Events of the window, whether the run's queries can match them or not (engine.ts counts them). */
  eventsLoaded: number;
  /** One sentence per file that was skipped. */
  problems: string[];
  /** Files whose events were read from the cache instead of being parsed. */
  filesFromCache: number;
  /** Files parsed by this load and written to the cache. */
  filesCached: number;
}

/** What a load leaves for the session's view (loaded-table.ts). */
export interface LoadedSources {
  report: LoadReport;
  /** Cache entries the view reads. */
  parquet: ParquetSource[];
  /** Rows went into the session's table. */
  table: boolean;
  /** What the line filter saw of the events it left out (their span, for an empty window). */
  filtered: LineVerdicts;
  /** The cache, if any: released when the session closes. */
  cache: EventCache | null;
  /** Files parsed but not written to the cache (`fill: 'later'`): for a fill job. */
  unfilled: string[];
}

export async function loadEvents(request: LoadRequest): Promise<LoadedSources> {
  const { files, hooks, connection } = request;
  const tuning = { ...DEFAULT_TUNING, ...request.tuning };
  const { signal } = hooks;
  const progress: LoadProgress = { filesRead: 0, filesTotal: files.length, eventsRead: 0 };
  const throttle = new ProgressThrottle(hooks.onProgress);
  const problems: string[] = [];
  const parquet: ParquetSource[] = [];
  const filtered: LineVerdicts = { inWindowDropped: 0 };
  const counts = { fromCache: 0, cached: 0 };
  const unfilled = new Set<string>();
  let table = false;

  const warn = (message: string): void => hooks.onWarning?.(message);
  const skip = (source: string, problem: string): void => {
    const sentence = `skipped ${displayPath(source, request.logsPath)}: ${problem}`;
    problems.push(sentence);
    warn(sentence);
  };

  const cache = request.cache ? await EventCache.open(request.cache, warn) : null;
  let pool: StagePool | null = null;
  // DuckDB runs a statement on its own threads: interrupting it is how an abort lands there.
  const interrupt = (): void => connection.interrupt();
  signal?.addEventListener('abort', interrupt, { once: true });
  try {
    signal?.throwIfAborted();
    let toRead: KeyedFile[] = files.map((file, number) => ({ file, number, key: null }));
    if (cache) {
      const plan = await cache.plan(files);
      toRead = plan.misses;
      for (const group of plan.groups) {
        try {
          parquet.push(...(await cache.use([group])));
        } catch {
          // Gone (another process evicted it): read those files instead.
          toRead.push(...group.files.map((f) => f.keyed));
          continue;
        }
        counts.fromCache += group.files.length;
        progress.filesRead += group.files.length;
        progress.eventsRead += group.files.reduce((sum, f) => sum + f.events, 0);
      }
      toRead.sort((a, b) => a.number - b.number);
      throttle.update(progress);
    }
    if (toRead.length === 0) return done();

    // Where each file's rows go, decided as it is staged: whole files, every column, into the
    // cache (`fill: 'inline'`); or only what the run can see, into the session's table while it
    // has room, then into Parquet files of the session's own. Not into the cache past the
    // table's room: whole records cost the person waiting every column no query reads (a
    // first sweep of 10M events took 126 s so, 88 s without), while the background fill
    // writes them once nobody waits.
    const window = { startMs: request.window.start.getTime(), endMs: request.window.end.getTime() };
    const cacheWritable = (): boolean => cache !== null && cache.writable;
    // The table's share so far, with the files being staged for it counted at the average.
    const forTable = { bytes: 0, files: 0, staging: 0 };
    const routeOf = (): Route => {
      if (request.fill === 'inline' && cacheWritable()) return 'cache';
      const average = forTable.files > 0 ? forTable.bytes / forTable.files : 1;
      if (forTable.bytes + forTable.staging * average < (tuning.tableBytes ?? request.tableBudgetBytes)) return 'table';
      return 'scratch';
    };
    const keys = new Map(toRead.map((k) => [k.number, k.key]));
    const eventCounts = new Map<number, number>();
    pool = StagePool.create(toRead.length < MIN_FILES_FOR_THREADS ? 0 : request.stagingThreads);
    const stagingPool = pool;
    const stage = (source: string, number: number, route: Route, thorough: boolean): Promise<StageOutcome> =>
      stagingPool.stage({
        source,
        out: join(request.scratchDir, `${number}.ndjson`),
        filter: route === 'cache' ? null : { ...window, needles: request.needles },
        thorough,
      });
    const toPart = (source: string, number: number, route: Route, outcome: StageOutcome): StagedPart | null => {
      if (!outcome.ok) {
        skip(source, outcome.problem);
        return null;
      }
      if (outcome.verdicts) addVerdicts(filtered, outcome.verdicts);
      eventCounts.set(number, outcome.events);
      if (cache && route !== 'cache') unfilled.add(source);
      if (route === 'table') {
        forTable.bytes += outcome.bytes;
        forTable.files++;
      }
      return outcome.path === null ? null : { source, number, kind: outcome.kind, path: outcome.path, quick: outcome.quick, route };
    };

    const targets = new Map<string, EntryTarget>();
    let scratchFiles = 0;
    const readBatch = async (parts: StagedPart[], route: Route): Promise<void> => {
      const failures = await readStaged(
        {
          connection,
          ...(signal ? { signal } : {}),
          destination: async () => {
            if (route === 'cache' && cacheWritable()) {
              const target = await cache!.newEntry();
              targets.set(target.writing, target);
              return { kind: 'parquet', path: target.writing, columns: EVENTS_COLUMNS };
            }
            if (route === 'scratch') {
              await mkdir(request.sessionDir, { recursive: true });
              return { kind: 'parquet', path: join(request.sessionDir, `part-${scratchFiles++}.parquet`), columns: request.columns };
            }
            return { kind: 'table', columns: request.columns };
          },
          onRead: async (read, destination) => {
            if (destination.kind === 'table') {
              table = true;
              return;
            }
            const target = targets.get(destination.path);
            if (!target) {
              parquet.push({ path: destination.path, files: null, whole: false });
              return;
            }
            // Whatever the manifest can vouch for, this session answers from every row it read.
            const parsed = read.map((p) => ({ source: p.source, number: p.number, key: keys.get(p.number) ?? null, events: eventCounts.get(p.number) ?? 0 }));
            counts.cached += await cache!.publish(target, parsed);
            parquet.push({ path: destination.path, files: null, whole: true });
          },
          discard: async (destination) => {
            if (destination.kind === 'parquet') await rm(destination.path, { force: true });
          },
          writeFailed: (error) => (targets.size > 0 ? cache?.failed(error) : undefined),
          restage: async (part) => toPart(part.source, part.number, route, await stage(part.source, part.number, route, true)),
        },
        parts,
      );
      for (const failure of failures) skip(failure.part.source, failure.problem);
      await Promise.all(parts.map((p) => rm(p.path, { force: true })));
    };

    // Staging runs ahead of DuckDB by at most two batches: their JSON waits on disk.
    const pending: Record<Route, { parts: StagedPart[]; bytes: number }> = {
      cache: { parts: [], bytes: 0 },
      table: { parts: [], bytes: 0 },
      scratch: { parts: [], bytes: 0 },
    };
    let reading: Promise<void> = Promise.resolve();
    let unread = 0;
    const flush = (route: Route): void => {
      const batch = pending[route];
      if (batch.parts.length === 0) return;
      const parts = batch.parts;
      pending[route] = { parts: [], bytes: 0 };
      unread++;
      reading = reading.then(() => readBatch(parts, route)).finally(() => void unread--);
      // Awaited below; a failure must not count as unhandled meanwhile.
      reading.catch(() => undefined);
    };
    let next = 0;
    let stopped: { error: unknown } | null = null;
    const stager = async (): Promise<void> => {
      try {
        while (next < toRead.length && !stopped) {
          signal?.throwIfAborted();
          const { file, number } = toRead[next++]!;
          const route = routeOf();
          if (route === 'table') forTable.staging++;
          const outcome = await stage(file.path, number, route, false).finally(() => {
            if (route === 'table') forTable.staging--;
          });
          progress.filesRead++;
          if (outcome.ok) progress.eventsRead += outcome.events;
          throttle.update(progress);
          const part = toPart(file.path, number, route, outcome);
          if (part) {
            const batch = pending[route];
            batch.parts.push(part);
            batch.bytes += outcome.ok ? outcome.bytes : 0;
            if (batch.bytes >= tuning.batchBytes || batch.parts.length >= tuning.batchFiles) flush(route);
          }
          while (unread >= 2) await reading;
        }
      } catch (error) {
        stopped ??= { error };
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, stagingPool.threadCount * 2) }, stager));
    if (stopped) throw (stopped as { error: unknown }).error;
    for (const route of ROUTES) flush(route);
    await reading;
    signal?.throwIfAborted();
    return done();
  } catch (error) {
    await cache?.release();
    throw error;
  } finally {
    signal?.removeEventListener('abort', interrupt);
    await pool?.close();
    await cache?.evict();
  }

  function done(): LoadedSources {
    throttle.finish(progress);
    return {
      report: { ...progress, eventsLoaded: 0, problems, filesFromCache: counts.fromCache, filesCached: counts.cached },
      parquet,
      table,
      filtered,
      cache,
      unfilled: [...unfilled],
    };
  }
}

/** Where a file's rows go (loadEvents). */
type Route = 'cache' | 'table' | 'scratch';
const ROUTES: readonly Route[] = ['cache', 'table', 'scratch'];

/** Below this many files, starting threads costs more than it saves. */
const MIN_FILES_FOR_THREADS = 4;

function addVerdicts(total: LineVerdicts, more: LineVerdicts): void {
  total.inWindowDropped += more.inWindowDropped;
  if (more.minMs !== undefined && (total.minMs === undefined || more.minMs < total.minMs)) total.minMs = more.minMs;
  if (more.maxMs !== undefined && (total.maxMs === undefined || more.maxMs > total.maxMs)) total.maxMs = more.maxMs;
}
