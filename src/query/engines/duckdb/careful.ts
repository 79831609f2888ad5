/**
 * Read one log file the careful way: in JavaScript, gunzipped by content, its event array
 * (`Records`, or the `Events` of lookup-events output) split into one event per line
 * (split.ts), which DuckDB then types (insert.ts). Slower than reading it whole (direct.ts),
 * and used for the files that way cannot take; it says what is wrong with a file that cannot
 * be read at all, in a sentence a person can act on.
 */
import { rm } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { insertWithBisect } from './insert.js';
import { stageFile } from './stage.js';
import type { EventColumn } from './table.js';

export type CarefulResult = { ok: true; events: number } | { ok: false; problem: string };

export async function readCarefully(
  connection: DuckDBConnection,
  file: { source: string; number: number },
  columns: ReadonlyArray<EventColumn>,
  scratchDir: string,
  signal?: AbortSignal,
): Promise<CarefulResult> {
  const staged = await stageFile(file.source, file.number, scratchDir);
  if (!staged.ok) return { ok: false, problem: staged.problem };
  if (staged.path === null) return { ok: true, events: 0 };
  try {
    const [failure] = await insertWithBisect({ connection, kind: staged.kind, columns, signal }, [{ source: file.source, path: staged.path }]);
    return failure ? { ok: false, problem: failure.problem } : { ok: true, events: staged.events };
  } finally {
    await rm(staged.path, { force: true });
  }
}
