/**
 * The embedded engine: an in-memory DuckDB over a directory of CloudTrail logs. Opening a
 * session loads the run's time window once (load.ts), only the columns the run's queries read
 * (columns.ts), from the cache where it can (cache/); every query step of the run then reads
 * the `events` view, so a five-query runbook costs about one scan of the files.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CompiledQuery, EngineHooks, EngineSession, QueryEngine, QueryResult } from '../../engine.js';
import type { EmptyWindow, TimeWindow } from '../../../model/query.js';
import { cacheSettingsFromEnv, type CacheSettings } from './cache/settings.js';
import { columnNames, columnsToLoad, loadedFields } from './columns.js';
import { discoverLogFiles, type Discovery } from './discover.js';
import { CloudTrailUnreadableError, ColumnNotLoadedError, WrongEngineError, notLoadedColumn } from './errors.js';
import { loadEvents, type LoadReport, type LoadTuning } from './load.js';
import { createLoadedTableSql, LOADED_TABLE } from './loaded-table.js';
import { normalizeRows } from './normalize.js';
import { bindParams } from './params.js';
import { assertSelect } from './statement-type.js';

export interface DuckDbEngineOptions {
  /** A folder of CloudTrail logs (or one file); see ACCEPTED_LAYOUTS. */
  logsDir: string;
  /** DuckDB worker threads. Default: the machine's cores. */
  threads?: number;
  /** DuckDB memory limit, such as `4GB`. Default: DuckDB's own (most of the RAM). */
  memoryLimit?: string;
  /** Where batch files (during the load) and DuckDB spill files go. Default: the OS temp folder. */
  scratchDir?: string;
  /** Load batching; the defaults are tuned, tests may make batches small. */
  tuning?: Partial<LoadTuning>;
  /**
   * The cache of typed events (cache/event-cache.ts); false to parse every file. Default: as
   * the environment says (CTRB_CACHE, CTRB_CACHE_DIR, CTRB_CACHE_MAX_SIZE).
   */
  cache?: CacheSettings | false;
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

  const scratchParent = options.scratchDir ?? tmpdir();
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  try {
    instance = await DuckDBInstance.create(':memory:', instanceConfig(options, scratchParent));
    const open = await instance.connect();
    connection = open;
    // How far a long statement has got, for the load's progress (progress.ts); never printed.
    await open.run('SET enable_progress_bar = true');
    await open.run('SET enable_progress_bar_print = false');
    await open.run('SET progress_bar_time = 0');
    await open.run(createLoadedTableSql(columns));
    const report = await loadInScratchDir(scratchParent, (scratchDir) =>
      loadEvents({
        connection: open,
        files: discovery.files,
        window,
        columns,
        cache,
        logsPath: options.logsDir,
        scratchDir,
        hooks,
        tuning: options.tuning,
      }),
    );
    // Every file bad, or nothing readable found beside folders that could not be listed.
    if ((report.filesTotal > 0 && report.problems.length === report.filesTotal) || (discovery.found === 0 && discovery.problems.length > 0)) {
      throw new CloudTrailUnreadableError(options.logsDir, [...discovery.problems, ...report.problems]);
    }
    if (report.eventsLoaded === 0 && hooks.onEmptyWindow) hooks.onEmptyWindow(await emptyWindow(open, window, discovery.days));
    // From here on the session only answers queries over the loaded table: a runbook's raw
    // SQL must not be able to read (or write) files on the machine.
    await open.run('SET enable_external_access = false');
    await open.run('SET lock_configuration = true');
    return new DuckDbSession(instance, open, report, columnNames(columns), loadedFields(columns));
  } catch (error) {
    connection?.closeSync();
    instance?.closeSync();
    throw error;
  }
}

/**
 * The window held no event: the span the logs cover, from the date folders of every file
 * found (a day each) and the event times of the files loaded (undated files are always
 * loaded whole). The end is exclusive: one second past the last event.
 */
async function emptyWindow(connection: DuckDBConnection, window: TimeWindow, days: Discovery['days']): Promise<EmptyWindow> {
  const reader = await connection.runAndReadAll(`SELECT epoch_ms(min("eventTime")), epoch_ms(max("eventTime")) FROM ${LOADED_TABLE}`);
  const [min, max] = (reader.getRows()[0] ?? []).map((v) => (v === null || v === undefined ? undefined : Number(v)));
  const starts = [min, days?.first.getTime()].filter((t): t is number => t !== undefined);
  const ends = [max === undefined ? undefined : Math.floor(max / 1000) * 1000 + 1000, days ? days.last.getTime() + DAY_MS : undefined].filter((t): t is number => t !== undefined);
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  const out: EmptyWindow = { window: { start: iso(window.start.getTime()), end: iso(window.end.getTime()) } };
  if (starts.length > 0 && ends.length > 0) out.covered = { start: iso(Math.min(...starts)), end: iso(Math.max(...ends)) };
  return out;
}

const DAY_MS = 86_400_000;

/** Batch files live only while loading: nothing is left behind once the session is open. */
async function loadInScratchDir<T>(parent: string, load: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(parent, 'ctrb-duckdb-'));
  try {
    return await load(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function instanceConfig(options: DuckDbEngineOptions, scratchParent: string): Record<string, string> {
  const config: Record<string, string> = {
    threads: String(options.threads ?? availableParallelism()),
    // Rows are loaded from many files at once; their order carries no meaning.
    preserve_insertion_order: 'false',
    // Spill (if ever) under the scratch folder, not into a `.tmp` in the user's cwd. DuckDB
    // creates this folder only when it spills, and removes it when the instance closes.
    temp_directory: join(scratchParent, `ctrb-duckdb-spill-${randomUUID()}`),
    // Everything needed (JSON) is built in; never reach the network for extensions.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    // An in-memory database still checkpoints (compressing its tables) each time its WAL
    // passes this size: every few batches of a load, each costlier than the last (measured:
    // about a third of a million-event load). The table lives for one session; it never needs one.
    checkpoint_threshold: '1TB',
  };
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  return config;
}

export class DuckDbSession implements EngineSession {
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** What the load read, loaded and skipped. */
    readonly loaded: LoadReport,
    /** The columns of `events` (columns.ts): a query reading another fails, naming it. */
    readonly columns: readonly string[],
    /** The same, a struct loaded narrowed as the fields it holds: for messages. */
    private readonly fields: readonly string[] = columns,
  ) {}

  async run(query: CompiledQuery, signal?: AbortSignal): Promise<QueryResult> {
    if (query.engine !== 'duckdb') throw new WrongEngineError(query.engine);
    if (this.closed) throw new Error('this duckdb session is closed');
    signal?.throwIfAborted();
    const started = performance.now();
    // Binding the statement is where DuckDB finds a column missing.
    const prepared = await this.connection.prepare(query.text).catch((error: unknown) => {
      throw this.explained(error);
    });
    const interrupt = (): void => this.connection.interrupt();
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
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
