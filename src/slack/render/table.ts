/**
 * A query result as a compact monospace table inside one section, sized to Slack's section
 * limit: as many rows as fit, long cells shortened, and the caller told how many rows and
 * whether any cells were cut so it can say so and attach the full result.
 */
import type { CellValue, Row } from '../../model/query.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface TableOptions {
  /** The most characters the finished mrkdwn (fences included) may have. */
  maxChars: number;
  /** Longest cell shown before it is cut with `…`. */
  maxCellWidth?: number;
}

export interface RenderedTable {
  /** A ```-fenced block, or undefined when there are no rows. */
  mrkdwn?: string;
  shownRows: number;
  /** Rows left out for lack of room. */
  omittedRows: number;
  /** Whether any shown cell was shortened. */
  cellsCut: boolean;
}

const DEFAULT_CELL_WIDTH = 40;
const SEPARATOR = '  ';
// A table is only worth scanning for so many rows; beyond this we stop measuring.
const MAX_CANDIDATE_ROWS = 500;
const NARROWER_CELLS = [24, 12];
const ROWS_WORTH_NARROWING_FOR = 5;

export function renderTable(columns: readonly string[], rows: readonly Row[], opts: TableOptions): RenderedTable {
  if (rows.length === 0 || columns.length === 0) {
    return { shownRows: 0, omittedRows: rows.length, cellsCut: false };
  }
  // Wide results: narrower cells before fewer rows, down to a width still worth reading.
  const widest = opts.maxCellWidth ?? DEFAULT_CELL_WIDTH;
  const cellWidths = [widest, ...NARROWER_CELLS.filter((w) => w < widest)];
  const wanted = Math.min(rows.length, ROWS_WORTH_NARROWING_FOR);
  let best: RenderedTable | undefined;
  for (const width of cellWidths) {
    const table = renderWithCellWidth(columns, rows, width, opts.maxChars);
    if (!best || table.shownRows > best.shownRows) best = table;
    if (table.shownRows >= wanted) break;
  }
  return best!;
}

function renderWithCellWidth(columns: readonly string[], rows: readonly Row[], maxCell: number, maxChars: number): RenderedTable {
  const header = columns.map((c) => displayCell(c, maxCell));
  const body = rows.slice(0, MAX_CANDIDATE_ROWS).map((row) => columns.map((c) => displayCell(formatCell(row[c]), maxCell)));

  // Fewer rows can make columns narrower, and narrower columns let more rows fit: settle.
  let count = body.length;
  for (let pass = 0; pass < 3; pass++) {
    const next = rowsThatFit(header, body, columnWidths([header, ...body.slice(0, count)]), maxChars);
    if (next === count) break;
    count = next;
  }
  const tableOf = (n: number) => {
    const shown = body.slice(0, n);
    const widths = columnWidths([header, ...shown]);
    return fence([header, ...shown].map((cells) => line(cells, widths)));
  };
  // The settled widths can still be a little wider than measured: make sure it fits.
  while (count > 0 && tableOf(count).length > maxChars) count--;

  const shown = body.slice(0, count);
  return {
    mrkdwn: count > 0 ? tableOf(count) : undefined,
    shownRows: count,
    omittedRows: rows.length - count,
    cellsCut: count > 0 && [header, ...shown].some((cells) => cells.some((c) => c.cut)),
  };
}

/** A cell's value as one line of text. */
export function formatCell(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

interface DisplayCell {
  text: string;
  cut: boolean;
}

function displayCell(text: string, max: number): DisplayCell {
  // One line per row; a ``` inside a value would end the code block early.
  const flat = text.replace(/\s+/g, ' ').replace(/```/g, 'ˋˋˋ');
  if (flat.length <= max) return { text: flat, cut: false };
  return { text: `${flat.slice(0, max - 1)}…`, cut: true };
}

function columnWidths(lines: DisplayCell[][]): number[] {
  const widths: number[] = [];
  for (const cells of lines) cells.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.text.length)));
  return widths;
}

function line(cells: DisplayCell[], widths: number[]): string {
  return escapeMrkdwn(
    cells
      .map((c, i) => (i === cells.length - 1 ? c.text : c.text.padEnd(widths[i] ?? 0)))
      .join(SEPARATOR)
      .trimEnd(),
  );
}

function fence(lines: string[]): string {
  return `\`\`\`\n${lines.join('\n')}\n\`\`\``;
}

function rowsThatFit(header: DisplayCell[], body: DisplayCell[][], widths: number[], maxChars: number): number {
  let used = fence([line(header, widths)]).length;
  let count = 0;
  for (const cells of body) {
    const next = line(cells, widths).length + 1;
    if (used + next > maxChars) break;
    used += next;
    count++;
  }
  return count;
}
