/**
 * How much memory DuckDB may take, from `CTRB_DUCKDB_MEMORY_LIMIT` (`1GB` by default; `512MB`,
 * `4GB`...). What a session holds beyond it (the events of a large window parsed without the
 * cache) spills to the OS temp folder; statements that stream (parsing into the cache, queries
 * over it) stay within it. With the process's own share (Node, the staging threads' current
 * files), a run stays under about twice this, whatever the number of events.
 */
import { parseSize } from './cache/settings.js';

export const DEFAULT_MEMORY_LIMIT = '1GB';

export interface MemoryLimit {
  /** In DuckDB's words (`1024MiB`). */
  setting: string;
  bytes: number;
}

/** The limit an option gives (`4GB`), else the environment's, else the default. */
export function memoryLimit(option?: string, env: NodeJS.ProcessEnv = process.env): MemoryLimit {
  const [text, name] = option !== undefined ? [option, 'memoryLimit'] : [env.CTRB_DUCKDB_MEMORY_LIMIT ?? DEFAULT_MEMORY_LIMIT, 'CTRB_DUCKDB_MEMORY_LIMIT'];
  const mib = Math.max(64, Math.floor(parseSize(text, name) / 1024 ** 2));
  return { setting: `${mib}MiB`, bytes: mib * 1024 ** 2 };
}
