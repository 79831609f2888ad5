/**
 * A runbook's problems, each with the file, line and field an author can jump to. Apart from
 * the parser (load.ts), so that code which only reports them loads no YAML parser.
 */
import type { Runbook } from './schema.js';

export interface RunbookIssue {
  file: string;
  line?: number;
  column?: number;
  /** The field, e.g. `steps[2].query.where`. */
  path: string;
  message: string;
}

export class RunbookError extends Error {
  constructor(readonly issues: RunbookIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'RunbookError';
  }
}

export function formatIssue(i: RunbookIssue): string {
  const where = i.line ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file;
  return i.path ? `${where}  ${i.path}: ${i.message}` : `${where}  ${i.message}`;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

export interface LoadedRunbook {
  runbook: Runbook;
  file: string;
}
