/**
 * One file staged for DuckDB (stage-core.ts), read from and written to disk: the unit of work
 * of the staging threads (stage-pool.ts), the same whether it runs in one of them or on the
 * main thread.
 */
import { closeSync, openSync, readFileSync, writevSync } from 'node:fs';
import type { LineFilter } from './line-filter.js';
import { stageBytes, type StagedDocument } from './stage-core.js';

export interface StageTask {
  source: string;
  /** The scratch file to write its lines to (`<number>.ndjson`). */
  out: string;
  filter: LineFilter | null;
  /** Skip the quick split (stage-core.ts): the file was refused after it. */
  thorough: boolean;
}

/** What stage-core.ts made of the file, with its lines written to a scratch file rather than held. */
export type StageOutcome =
  | (Omit<Extract<StagedDocument, { ok: true }>, 'pieces'> & {
      /** The scratch file, or null when no line was kept. */
      path: string | null;
    })
  | Extract<StagedDocument, { ok: false }>;

export function runStageTask(task: StageTask): StageOutcome {
  let raw: Buffer;
  try {
    raw = readFileSync(task.source);
  } catch (error) {
    return { ok: false, problem: `cannot read it (${error instanceof Error ? error.message : String(error)})` };
  }
  const staged = stageBytes(raw, { filter: task.filter, thorough: task.thorough });
  if (!staged.ok) return staged;
  const { kind, bytes, events, kept, quick, verdicts } = staged;
  const outcome = { ok: true as const, kind, bytes, events, kept, quick, ...(verdicts ? { verdicts } : {}) };
  if (staged.pieces.length === 0) return { ...outcome, path: null };
  const fd = openSync(task.out, 'w');
  try {
    // writev takes at most IOV_MAX (1024) buffers a call.
    for (let i = 0; i < staged.pieces.length; i += 1024) writeAll(fd, staged.pieces.slice(i, i + 1024));
  } finally {
    closeSync(fd);
  }
  return { ...outcome, path: task.out };
}

function writeAll(fd: number, pieces: Buffer[]): void {
  let rest = pieces;
  while (rest.length > 0) {
    let written = writevSync(fd, rest);
    // A short write: drop what went out and go on with the rest.
    while (rest.length > 0 && written >= rest[0]!.length) {
      written -= rest[0]!.length;
      rest = rest.slice(1);
    }
    if (rest.length > 0 && written > 0) rest = [rest[0]!.subarray(written), ...rest.slice(1)];
  }
}
