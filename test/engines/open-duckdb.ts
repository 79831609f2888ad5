/** Open a DuckDB engine session the way the runner does, recording what it reports. */
import type { EngineSession } from '../../src/query/engine.js';
import type { LoadProgress, TimeWindow } from '../../src/model/query.js';
import { createDuckDbEngine, fillPending, type DuckDbEngineOptions, type DuckDbSession, type LoadReport } from '../../src/query/engines/duckdb/index.js';
import { duckdbQuery } from './cloudtrail-files.js';

export interface OpenedSession {
  session: EngineSession;
  /** What the load read, from where (files from the cache, files cached). */
  loaded: LoadReport;
  warnings: string[];
  progress: LoadProgress[];
  /** Rows of a query, for short assertions. */
  rows(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
}

export async function openDuckDb(
  logsDir: string,
  window: TimeWindow,
  options: Partial<DuckDbEngineOptions> & { signal?: AbortSignal; columns?: ReadonlySet<string>; needles?: readonly string[] } = {},
): Promise<OpenedSession> {
  const warnings: string[] = [];
  const progress: LoadProgress[] = [];
  const { signal, columns, needles, ...engineOptions } = options;
  // One thread: the test machine is shared, and the results must not depend on it. The cache
  // is filled by the load itself, so a test sees it filled when the session is open.
  const engine = createDuckDbEngine({ logsDir, threads: 1, fill: 'inline', ...engineOptions });
  const session = await engine.open(window, {
    onWarning: (message) => warnings.push(message),
    onProgress: (p) => progress.push(p),
    signal,
    ...(columns ? { columns } : {}),
    ...(needles ? { needles } : {}),
  });
  return {
    session,
    loaded: (session as DuckDbSession).loaded,
    warnings,
    progress,
    rows: async (text, values = []) => (await session.run(duckdbQuery(text, values))).rows,
  };
}

/** Wait until no fill of the cache is waiting or under way (background-fill.ts). */
export async function fillDone(cacheDir: string): Promise<void> {
  while (await fillPending(cacheDir)) await new Promise((resolve) => setTimeout(resolve, 50));
}
