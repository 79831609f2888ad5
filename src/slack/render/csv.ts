/**
 * The full result of a query step as a CSV file, uploaded to the run's thread when the message
 * could only show part of it.
 *
 * CloudTrail values are attacker-controlled and responders open these files in spreadsheets,
 * so text cells that a spreadsheet would run as a formula (starting with = + - @ or a tab or
 * carriage return) are prefixed with `'` (the OWASP advice for CSV injection). Numbers are
 * written as they are.
 */
import { stringify } from 'csv-stringify/sync';
import type { Row } from '../../model/query.js';
import type { RunContext, StepResult } from '../../model/run.js';
import { formatCell } from './table.js';

export interface CsvFile {
  filename: string;
  title: string;
  content: Buffer;
}

export function queryResultCsv(columns: readonly string[], rows: readonly Row[]): string {
  const records = rows.map((row) =>
    columns.map((c) => {
      const value = row[c];
      return typeof value === 'number' ? String(value) : neutralizeFormula(formatCell(value));
    }),
  );
  return stringify(records, { header: true, columns: [...columns], eof: true });
}

/** The CSV file for a query step, named after the runbook, step and run. */
export function stepResultCsv(ctx: RunContext, step: StepResult): CsvFile | undefined {
  if (!step.query) return undefined;
  const rows = step.query.rows.length;
  return {
    filename: `${ctx.runbookId}-${step.stepId}-${ctx.runId}.csv`.replace(/[^A-Za-z0-9._-]/g, '_'),
    title: `${step.title}: full result (${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'})`,
    content: Buffer.from(queryResultCsv(step.query.columns, step.query.rows), 'utf8'),
  };
}

function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
