/**
 * Load a time window of CloudTrail files into the `events` table, once per session.
 *
 * Files are staged (read, gunzipped, split into one event per line: stage.ts) ahead of
 * DuckDB, and inserted in batches of a few tens of megabytes: big enough for DuckDB to use
 * all its threads, small enough to bound memory and scratch space. A file that cannot be
 * read is named in a warning and the rest is loaded.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EngineHooks, LoadProgress, TimeWindow } from '../../engine.js';
import { displayPath, type LogFile } from './discover.js';
import { insertWithBisect, ScratchWriter, type StagedPart } from './insert.js';
import { prefetchInOrder } from './prefetch.js';
import { ProgressThrottle } from './progress.js';
import type { DocumentKind } from './split.js';
import { stageFile, stagedBytes } from './stage.js';
import { EVENTS_TABLE } from './table.js';

export interface LoadTuning {
  /** Uncompressed bytes of events per INSERT statement. */
  batchBytes: number;
  /** Files read and decompressed at the same time. */
  stagingConcurrency: number;
  /** Bytes of staged events allowed to wait while DuckDB inserts. */
  stagingAheadBytes: number;
}

/**
 * Measured on 200k events (320 MB of JSON) on 2 cores: DuckDB reads one large statement
 * faster per byte than several small ones (its reader splits a file into ~32 MB buffers
 * per thread, so small batches leave a thread idle), while one batch for everything would
 * stop staging from overlapping with DuckDB. 128 MB batches did best; peak memory is about
 * a batch, the bytes staged ahead, and the batch's scratch file.
 */
export const DEFAULT_TUNING: LoadTuning = {
  batchBytes: 128 * 1024 * 1024,
  stagingConcurrency: 2,
  stagingAheadBytes: 64 * 1024 * 1024,
};

export interface LoadRequest {
  connection: DuckDBConnection;
  files: LogFile[];
  window: TimeWindow;
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
}

interface Batch {
  parts: Record<DocumentKind, StagedPart[]>;
  bytes: number;
}

const emptyBatch = (): Batch => ({ parts: { records: [], lookup: [] }, bytes: 0 });

export async function loadEvents(request: LoadRequest): Promise<LoadReport> {
  const { connection, files, window, hooks, scratchDir } = request;
  const tuning = { ...DEFAULT_TUNING, ...request.tuning };
  const { signal } = hooks;
  const progress: LoadProgress = { filesRead: 0, filesTotal: files.length, eventsRead: 0 };
  const throttle = new ProgressThrottle(hooks.onProgress);
  const problems: string[] = [];

  const skip = (source: string, problem: string): void => {
    const sentence = `skipped ${displayPath(source, request.logsPath)}: ${problem}`;
    problems.push(sentence);
    hooks.onWarning?.(sentence);
  };

  const scratch = new ScratchWriter(scratchDir);
  const flush = async (batch: Batch): Promise<void> => {
    for (const kind of ['records', 'lookup'] as const) {
      const failures = await insertWithBisect(connection, kind, batch.parts[kind], window, scratch, signal);
      for (const failure of failures) skip(failure.source, failure.problem);
    }
  };

  // DuckDB runs a statement on its own threads: interrupting it is how an abort lands there.
  const interrupt = (): void => connection.interrupt();
  signal?.addEventListener('abort', interrupt, { once: true });
  try {
    signal?.throwIfAborted();
    let batch = emptyBatch();
    const staging = prefetchInOrder(files, (file) => stageFile(file.path), {
      concurrency: tuning.stagingConcurrency,
      aheadBytes: tuning.stagingAheadBytes,
      sizeOf: stagedBytes,
    });
    for await (const staged of staging) {
      signal?.throwIfAborted();
      progress.filesRead++;
      if (!staged.ok) {
        skip(staged.source, staged.problem);
      } else if (staged.events > 0) {
        progress.eventsRead += staged.events;
        batch.parts[staged.kind].push({ source: staged.source, lines: staged.lines });
        batch.bytes += staged.lines.length;
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

  const eventsLoaded = await countEvents(connection);
  throttle.finish(progress);
  return { ...progress, eventsLoaded, problems };
}

async function countEvents(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${EVENTS_TABLE}`);
  return Number(reader.getRows()[0]?.[0] ?? 0);
}
