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
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EngineHooks } from '../../engine.js';
import type { LoadProgress, TimeWindow } from '../../../model/query.js';
import { EventCache, type EntryTarget, type ParquetSource } from './cache/event-cache.js';
import type { KeyedFile } from './cache/plan.js';
import type { CacheSettings } from './cache/settings.js';
import { displayPath, type LogFile } from './discover.js';
import type { LineFilter, LineVerdicts } from './line-filter.js';
import { readStaged, type StagedPart } from './read-staged.js';
import { ProgressThrottle } from './progress.js';
import { StagePool } from './stage-pool.js';
import type { StageOutcome } from './stage-task.js';
import type { EventColumn } from './table.js';

export interface LoadTuning {
  /** Bytes of staged JSON per statement (and per cache entry). */
  batchBytes: number;
  /** Files per statement, at most. */
  batchFiles: number;
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

    // Whole files, every column, for the cache; else only what the run can see.
    const filling = (): boolean => request.fill === 'inline' && cache !== null && cache.writable;
    const filter = (): LineFilter | null =>
      filling() ? null : { startMs: request.window.start.getTime(), endMs: request.window.end.getTime(), needles: request.needles };
    const keys = new Map(toRead.map((k) => [k.number, k.key]));
    const eventCounts = new Map<number, number>();
    pool = StagePool.create(toRead.length < MIN_FILES_FOR_THREADS ? 0 : request.stagingThreads);
    const stagingPool = pool;
    const stage = (source: string, number: number, thorough: boolean): Promise<StageOutcome> =>
      stagingPool.stage({ source, out: join(request.scratchDir, `${number}.ndjson`), filter: filter(), thorough });
    const toPart = (source: string, number: number, outcome: StageOutcome): StagedPart | null => {
      if (!outcome.ok) {
        skip(source, outcome.problem);
        return null;
      }
      if (outcome.verdicts) addVerdicts(filtered, outcome.verdicts);
      eventCounts.set(number, outcome.events);
      if (cache && !filling()) unfilled.add(source);
      return outcome.path === null ? null : { source, number, kind: outcome.kind, path: outcome.path, quick: outcome.quick };
    };

    const targets = new Map<string, EntryTarget>();
    const readBatch = async (parts: StagedPart[]): Promise<void> => {
      const failures = await readStaged(
        {
          connection,
          ...(signal ? { signal } : {}),
          destination: async () => {
            if (!filling()) return { kind: 'table', columns: request.columns };
            const target = await cache!.newEntry();
            targets.set(target.writing, target);
            return { kind: 'parquet', path: target.writing };
          },
          onRead: async (read, destination) => {
            if (destination.kind === 'table') {
              table = true;
              return;
            }
            // Whatever the manifest can vouch for, this session answers from every row it read.
            const parsed = read.map((p) => ({ source: p.source, number: p.number, key: keys.get(p.number) ?? null, events: eventCounts.get(p.number) ?? 0 }));
            counts.cached += await cache!.publish(targets.get(destination.path)!, parsed);
            parquet.push({ path: destination.path, files: null });
          },
          discard: async (destination) => {
            if (destination.kind === 'parquet') await rm(destination.path, { force: true });
          },
          writeFailed: (error) => cache?.failed(error),
          restage: async (part) => toPart(part.source, part.number, await stage(part.source, part.number, true)),
        },
        parts,
      );
      for (const failure of failures) skip(failure.part.source, failure.problem);
      await Promise.all(parts.map((p) => rm(p.path, { force: true })));
    };

    // Staging runs ahead of DuckDB by at most two batches: their JSON waits on disk.
    let pending: StagedPart[] = [];
    let pendingBytes = 0;
    let reading: Promise<void> = Promise.resolve();
    let unread = 0;
    const flush = (): void => {
      if (pending.length === 0) return;
      const parts = pending;
      pending = [];
      pendingBytes = 0;
      unread++;
      reading = reading.then(() => readBatch(parts)).finally(() => void unread--);
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
          const outcome = await stage(file.path, number, false);
          progress.filesRead++;
          if (outcome.ok) progress.eventsRead += outcome.events;
          throttle.update(progress);
          const part = toPart(file.path, number, outcome);
          if (part) {
            pending.push(part);
            pendingBytes += outcome.ok ? outcome.bytes : 0;
            if (pendingBytes >= tuning.batchBytes || pending.length >= tuning.batchFiles) flush();
          }
          while (unread >= 2) await reading;
        }
      } catch (error) {
        stopped ??= { error };
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, stagingPool.threadCount * 2) }, stager));
    if (stopped) throw (stopped as { error: unknown }).error;
    flush();
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

/** Below this many files, starting threads costs more than it saves. */
const MIN_FILES_FOR_THREADS = 4;

function addVerdicts(total: LineVerdicts, more: LineVerdicts): void {
  total.inWindowDropped += more.inWindowDropped;
  if (more.minMs !== undefined && (total.minMs === undefined || more.minMs < total.minMs)) total.minMs = more.minMs;
  if (more.maxMs !== undefined && (total.maxMs === undefined || more.maxMs > total.maxMs)) total.maxMs = more.maxMs;
}
