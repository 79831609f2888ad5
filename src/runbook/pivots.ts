/**
 * Pivots: the next runbook a result offers on one of its values. A runbook says what its
 * result columns name (`columns`: principal, access_key_id, ip, arn); another says which
 * kind of value fills which of its parameters (`accepts`). A run offers, for each value its
 * rows or findings name, each runbook that accepts that kind, so the pivots come from the
 * YAML and no code knows about any one runbook.
 */
import type { Row } from '../model/query.js';
import type { Pivot, ResolvedParams, Subject, SubjectKind } from '../model/run.js';
import type { Runbook } from './schema.js';

/** A runbook that can be started on a value of some kind, and the parameter the value fills. */
export interface PivotTarget {
  runbookId: string;
  title: string;
  param: string;
}

/** Kind of value → the runbooks that accept it. */
export type PivotTargets = ReadonlyMap<SubjectKind, readonly PivotTarget[]>;

/** At most this many pivots are kept per step: a person reads a handful, not a list of hundreds. */
export const PIVOTS_PER_STEP = 20;

/** Who accepts what, over a library's runbooks (sorted by id, so the order is stable). */
export function pivotTargetsOf(runbooks: readonly Pick<Runbook, 'id' | 'title' | 'accepts'>[]): PivotTargets {
  const targets = new Map<SubjectKind, PivotTarget[]>();
  for (const runbook of [...runbooks].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const [kind, param] of Object.entries(runbook.accepts) as Array<[SubjectKind, string]>) {
      const list = targets.get(kind) ?? [];
      list.push({ runbookId: runbook.id, title: runbook.title, param });
      targets.set(kind, list);
    }
  }
  return targets;
}

/**
 * The values a row names, by the runbook's `columns`. Empty cells and placeholders
 * CloudTrail writes for unknown values (`-`, AWS-internal service names as addresses) are not subjects.
 */
export function subjectsOfRow(columns: Readonly<Record<string, SubjectKind>>, row: Row): Subject[] {
  const subjects: Subject[] = [];
  for (const [column, kind] of Object.entries(columns)) {
    const cell = row[column];
    if (typeof cell !== 'string') continue;
    const value = cell.trim();
    if (value === '' || value === '-') continue;
    if (kind === 'ip' && !/^[0-9a-fA-F:.]+$/.test(value)) continue;
    subjects.push({ kind, value });
  }
  return subjects;
}

/**
 * The pivots on some subjects, in the order the subjects come, without repeats and without
 * the run itself (its own runbook on the value it was started with).
 */
export function pivotsFor(
  subjects: Iterable<Subject>,
  targets: PivotTargets,
  current: { runbookId: string; params: ResolvedParams },
  max = PIVOTS_PER_STEP,
): Pivot[] {
  const seen = new Set<string>();
  const pivots: Pivot[] = [];
  for (const subject of subjects) {
    for (const target of targets.get(subject.kind) ?? []) {
      if (target.runbookId === current.runbookId && current.params[target.param] === subject.value) continue;
      const key = `${target.runbookId}\u0000${target.param}\u0000${subject.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      pivots.push({ runbookId: target.runbookId, title: target.title, param: target.param, value: subject.value, kind: subject.kind });
      if (pivots.length >= max) return pivots;
    }
  }
  return pivots;
}

/** The subjects of a query step's rows, column by column in row order. */
export function* subjectsOfRows(columns: Readonly<Record<string, SubjectKind>>, rows: readonly Row[]): Generator<Subject> {
  for (const row of rows) yield* subjectsOfRow(columns, row);
}

/** When a row happened, for a finding raised on it: its eventTime, else when its group was first seen. */
export function rowTime(row: Row): string | undefined {
  for (const column of ['eventTime', 'first_seen']) {
    const cell = row[column];
    if (typeof cell === 'string' && cell !== '') return cell;
  }
  return undefined;
}

/** The command that starts a pivot in the terminal, over the same window. */
export function pivotCommand(pivot: Pivot, window: { start: string; end: string }): string {
  return `ctrb run ${pivot.runbookId} ${shellWord(`${pivot.param}=${pivot.value}`)} since=${window.start} until=${window.end}`;
}

/** A word a POSIX shell reads back unchanged: as it is when it is plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_:/.@=,+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
