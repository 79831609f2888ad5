/**
 * The embedded engine: an in-memory DuckDB over a directory of CloudTrail logs. Opening a
 * session loads the run's time window once (load.ts): from the cache where it can (cache/),
 * parsing the rest on every core; every query step of the run then reads the `events` view,
 * so a five-query runbook costs about one scan of the files, and a run over cached logs
 * about none.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, statfs } from 'node:fs/promises';
import { availableParallelism, platform, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CompiledQuery, EngineHooks, EngineSession, QueryEngine, QueryResult } from '../../engine.js';
import type { EmptyWindow, TimeWindow } from '../../../model/query.js';
import type { EventCache } from './cache/event-cache.js';
import { startBackgroundFill } from './background-fill.js';
import { cacheSettingsFromEnv, type CacheSettings } from './cache/settings.js';
import { columnNames, columnsToLoad, loadedFields } from './columns.js';
import { discoverLogFiles, type Discovery } from './discover.js';
import { CloudTrailUnreadableError, ColumnNotLoadedError, WrongEngineError, notLoadedColumn } from './errors.js';
import { DEFAULT_TUNING, loadEvents, type LoadedSources, type LoadReport, type LoadTuning } from './load.js';
import { createEventsViewSql, createLoadedTableSql, eventSpanSql, viewColumns } from './loaded-table.js';
import { memoryLimit } from './memory-limit.js';
import { normalizeRows } from './normalize.js';
import { bindParams } from './params.js';
import { sqlLiteral } from './schema.js';
import { assertSelect } from './statement-type.js';
import { EVENTS_TABLE } from './table.js';

export interface DuckDbEngineOptions {
  /** A folder of CloudTrail logs (or one file); see ACCEPTED_LAYOUTS. */
  logsDir: string;
  /** DuckDB worker threads. Default: the machine's cores. */
  threads?: number;
  /** DuckDB memory limit, such as `4GB`. Default: CTRB_DUCKDB_MEMORY_LIMIT, else 1 GB (memory-limit.ts). */
  memoryLimit?: string;
  /**
   * Where staged JSON waits while it is read (a few batches at most). Default: CTRB_SCRATCH_DIR,
   * else /dev/shm when it has room (memory, no disk writes), else the OS temp folder.
   */
  scratchDir?: string;
  /** Where DuckDB spills when a statement outgrows its memory. Default: the OS temp folder. */
  spillDir?: string;
  /** Threads that gunzip and split files while DuckDB parses. Default: the machine's cores. */
  stagingThreads?: number;
  /** Load batching; the defaults are tuned, tests may make batches small. */
  tuning?: Partial<LoadTuning>;
  /**
   * The cache of typed events (cache/event-cache.ts); false to parse every file. Default: as
   * the environment says (CTRB_CACHE, CTRB_CACHE_DIR, CTRB_CACHE_MAX_SIZE).
   */
  cache?: CacheSettings | false;
  /**
   * How files the cache lacks get into it: written by the load itself (`inline`: the first
   * run costs the parsing of every column of every event), or, by default, by a process of
   * their own once the session is done (`background`: the run parses only what it reads;
   * background-fill.ts).
   */
  fill?: 'inline' | 'background';
}

export function createDuckDbEngine(options: DuckDbEngineOptions): QueryEngine {
  const cache = options.cache === undefined ? cacheSettingsFromEnv() : options.cache || null;
  return {
    name: 'duckdb',
    open: (window, hooks) => openSession(options, cache, window, hooks ?? {}),
  };
}

async function openSession(
  options: DuckDbEngineOptions,
  cache: CacheSettings | null,
  window: TimeWindow,
  hooks: EngineHooks,
): Promise<DuckDbSession> {
  const columns = columnsToLoad(hooks.columns);
  const discovery = await discoverLogFiles(options.logsDir, window);
  for (const problem of discovery.problems) hooks.onWarning?.(problem);
  // A run that hears about an empty window says it better (the span the logs cover).
  if (discovery.files.length === 0 && discovery.found > 0 && !hooks.onEmptyWindow) {
    hooks.onWarning?.(
      `none of the ${discovery.found} CloudTrail files under "${options.logsDir}" is in a date folder ` +
        `near ${window.start.toISOString()} .. ${window.end.toISOString()}; no events to search`,
    );
  }

  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  let loaded: LoadedSources | undefined;
  const scratchParent = options.scratchDir ?? (await defaultScratchParent(options.tuning));
  const spillParent = options.spillDir ?? tmpdir();
  // The session's own Parquet files (events it parsed beyond what its table takes in memory),
  // made only when needed.
  const sessionDir = join(spillParent, `ctrb-duckdb-session-${randomUUID()}`);
  const removeSessionDir = (): Promise<void> => rm(sessionDir, { recursive: true, force: true });
  try {
    instance = await DuckDBInstance.create(':memory:', instanceConfig(options));
    const open = await instance.connect();
    connection = open;
    await open.run(createLoadedTableSql(columns));
    loaded = await inScratchDir(scratchParent, (scratchDir) =>
      loadEvents({
        connection: open,
        files: discovery.files,
        window,
        columns,
        cache,
        fill: options.fill === 'inline' ? 'inline' : 'later',
        needles: hooks.needles ?? null,
        logsPath: options.logsDir,
        scratchDir,
        stagingThreads: options.stagingThreads ?? availableParallelism(),
        // DuckDB cannot spill a table of an in-memory database: it holds half the memory at most.
        tableBudgetBytes: memoryLimit(options.memoryLimit).bytes / 2,
        sessionDir,
        hooks,
        tuning: options.tuning,
      }),
    );
    const { report } = loaded;
    // Every file bad, or nothing readable found beside folders that could not be listed.
    if ((report.filesTotal > 0 && report.problems.length === report.filesTotal) || (discovery.found === 0 && discovery.problems.length > 0)) {
      throw new CloudTrailUnreadableError(options.logsDir, [...discovery.problems, ...report.problems]);
    }
    await open.run(createEventsViewSql(columns, loaded, window));
    report.eventsLoaded = (await countEvents(open)) + loaded.filtered.inWindowDropped;
    if (report.eventsLoaded === 0 && hooks.onEmptyWindow) hooks.onEmptyWindow(await emptyWindow(open, window, discovery.days, loaded, columns));
    // From here on the session only answers queries over its events: a runbook's raw SQL must
    // not be able to read (or write) files on the machine, save the cache entries it reads.
    const paths = loaded.parquet.map((p) => sqlLiteral(p.path));
    if (paths.length > 0) await open.run(`SET allowed_paths = [${paths.join(', ')}]`);
    await open.run('SET enable_external_access = false');
    await open.run('SET lock_configuration = true');
    const shown = viewColumns(columns, loaded);
    const { unfilled } = loaded;
    // Not for a run that was stopped (Ctrl-C): nothing it started goes on working after it.
    const fillLater =
      cache && unfilled.length > 0
        ? async () => {
            if (hooks.signal?.aborted) return;
            await startBackgroundFill(cache, { logsPath: options.logsDir, files: unfilled }, { scratchParent, spillDir: spillParent });
          }
        : undefined;
    return new DuckDbSession(instance, open, report, columnNames(shown), loadedFields(shown), {
      cache: loaded.cache,
      removeSessionDir,
      ...(fillLater ? { fillLater } : {}),
    });
  } catch (error) {
    connection?.closeSync();
    instance?.closeSync();
    await loaded?.cache?.release();
    await removeSessionDir();
    throw error;
  }
}

/**
 * The window held no event: the span the logs cover, from the date folders of every file
 * found (a day each) and the event times of the files read (undated files are always
 * read). The end is exclusive: one second past the last event.
 */
async function emptyWindow(
  connection: DuckDBConnection,
  window: TimeWindow,
  days: Discovery['days'],
  loaded: LoadedSources,
  columns: Parameters<typeof eventSpanSql>[0],
): Promise<EmptyWindow> {
  const reader = await connection.runAndReadAll(eventSpanSql(columns, loaded));
  const [min, max] = (reader.getRows()[0] ?? []).map((v) => (v === null || v === undefined ? undefined : Number(v)));
  const { minMs, maxMs } = loaded.filtered;
  const firsts = [min, minMs].filter((t): t is number => t !== undefined);
  const lasts = [max, maxMs].filter((t): t is number => t !== undefined);
  const first = firsts.length > 0 ? Math.min(...firsts) : undefined;
  const last = lasts.length > 0 ? Math.max(...lasts) : undefined;
  const starts = [first, days?.first.getTime()].filter((t): t is number => t !== undefined);
  const ends = [last === undefined ? undefined : Math.floor(last / 1000) * 1000 + 1000, days ? days.last.getTime() + DAY_MS : undefined].filter((t): t is number => t !== undefined);
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  const out: EmptyWindow = { window: { start: iso(window.start.getTime()), end: iso(window.end.getTime()) } };
  if (starts.length > 0 && ends.length > 0) out.covered = { start: iso(Math.min(...starts)), end: iso(Math.max(...ends)) };
  return out;
}

async function countEvents(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${EVENTS_TABLE}`);
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

const DAY_MS = 86_400_000;

/** Staged files live only while loading: nothing is left behind once the session is open. */
async function inScratchDir<T>(parent: string, load: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(parent, 'ctrb-duckdb-'));
  try {
    return await load(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * CTRB_SCRATCH_DIR when the operator names a folder (made if missing). Else memory, when the
 * machine offers it with room to spare: staged JSON is written once and read once, and need
 * never reach a disk. Else the OS temp folder.
 */
async function defaultScratchParent(tuning: Partial<LoadTuning> | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.CTRB_SCRATCH_DIR) {
    const dir = resolve(env.CTRB_SCRATCH_DIR);
    await mkdir(dir, { recursive: true });
    return dir;
  }
  const shm = '/dev/shm';
  if (platform() !== 'linux') return tmpdir();
  const room = await statfs(shm).then((s) => s.bavail * s.bsize, () => 0);
  const needed = 4 * (tuning?.batchBytes ?? DEFAULT_TUNING.batchBytes);
  return room >= needed ? shm : tmpdir();
}

function instanceConfig(options: DuckDbEngineOptions): Record<string, string> {
  const config: Record<string, string> = {
    threads: String(options.threads ?? availableParallelism()),
    // Rows are loaded from many files at once; their order carries no meaning.
    preserve_insertion_order: 'false',
    // Spill (if ever) under the spill folder, not into a `.tmp` in the user's cwd. DuckDB
    // creates this folder only when it spills, and removes it when the instance closes.
    temp_directory: join(options.spillDir ?? tmpdir(), `ctrb-duckdb-spill-${randomUUID()}`),
    // Everything needed (JSON, Parquet) is built in; never reach the network for extensions.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    // An in-memory database still checkpoints (compressing its tables) each time its WAL
    // passes this size: every few batches of a load, each costlier than the last (measured:
    // about a third of a million-event load). The table lives for one session; it never needs one.
    checkpoint_threshold: '1TB',
    // A run's queries read the same cache entries one after another (a sweep, some fifty):
    // their footers are read once.
    enable_object_cache: 'true',
  };
  config.memory_limit = memoryLimit(options.memoryLimit).setting;
  return config;
}

export class DuckDbSession implements EngineSession {
  private closed = false;
  /**
   * Connections free for a query. Queries that overlap (a sweep runs two runbooks at once)
   * each get one of their own: DuckDB runs one statement per connection at a time, and one
   * runbook's checks then run in JavaScript while another's query runs in DuckDB. Every
   * connection sees the same `events` view and the same locked settings.
   */
  private readonly idle: DuckDBConnection[];
  private readonly connections: DuckDBConnection[];

  constructor(
    private readonly instance: DuckDBInstance,
    connection: DuckDBConnection,
    /** What the load read, loaded and skipped. */
    readonly loaded: LoadReport,
    /** The columns of `events` (columns.ts): a query reading another fails, naming it. */
    readonly columns: readonly string[],
    /** The same, a struct loaded narrowed as the fields it holds: for messages. */
    private readonly fields: readonly string[] = columns,
    private readonly after: {
      /** The cache whose entries the session reads: let go of when it closes. */
      cache?: EventCache | null;
      /** Fill the cache with what the session parsed, once it closes (background-fill.ts). */
      fillLater?: () => Promise<void>;
      /** Remove the session's own Parquet files. */
      removeSessionDir?: () => Promise<void>;
    } = {},
  ) {
    this.idle = [connection];
    this.connections = [connection];
  }

  private async lease(): Promise<DuckDBConnection> {
    const free = this.idle.pop();
    if (free) return free;
    const fresh = await this.instance.connect();
    this.connections.push(fresh);
    return fresh;
  }

  async run(query: CompiledQuery, signal?: AbortSignal): Promise<QueryResult> {
    if (query.engine !== 'duckdb') throw new WrongEngineError(query.engine);
    if (this.closed) throw new Error('this duckdb session is closed');
    signal?.throwIfAborted();
    const started = performance.now();
    const connection = await this.lease();
    try {
      return await this.runOn(connection, query, started, signal);
    } finally {
      if (!this.closed) this.idle.push(connection);
    }
  }

  private async runOn(connection: DuckDBConnection, query: CompiledQuery, started: number, signal?: AbortSignal): Promise<QueryResult> {
    // Binding the statement is where DuckDB finds a column missing.
    const prepared = await connection.prepare(query.text).catch((error: unknown) => {
      throw this.explained(error);
    });
    const interrupt = (): void => connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      assertSelect(prepared);
      bindParams(prepared, query.params);
      const reader = await prepared.runAndReadAll();
      signal?.throwIfAborted();
      return {
        columns: reader.columnNames(),
        rows: normalizeRows(reader),
        stats: { elapsedMs: performance.now() - started, eventsScanned: this.loaded.eventsLoaded },
      };
    } catch (error) {
      signal?.throwIfAborted();
      throw this.explained(error);
    } finally {
      signal?.removeEventListener('abort', interrupt);
      prepared.destroySync();
    }
  }

  /** DuckDB's error, or ours when the query reads a column this session left out. */
  private explained(error: unknown): unknown {
    const missing = notLoadedColumn(error, this.columns);
    return missing ? new ColumnNotLoadedError(missing, this.fields) : error;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const connection of this.connections) connection.closeSync();
    this.instance.closeSync();
    await this.after.cache?.release();
    await this.after.removeSessionDir?.();
    await this.after.fillLater?.();
  }
}
