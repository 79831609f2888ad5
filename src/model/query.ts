/**
 * What a query answers with, in the words every room uses: the engines by name, a time window,
 * rows of cells, the values bound into a statement, and what a query or a load cost.
 */
export const ENGINE_NAMES = ['duckdb', 'athena', 'lake', 'lookup'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface TimeWindow {
  start: Date;
  end: Date;
}

export type CellValue = string | number | boolean | null | string[];
export type Row = Record<string, CellValue>;

/** One bound value, in statement order, with where it came from (for `ctrb explain`). */
export interface BoundParam {
  /** `$1`, `?`, `:name`…: the placeholder as it appears in the text. */
  placeholder: string;
  value: unknown;
  /** `literal`, `param:<name>`, `rows:<step>.<column>`, `window.start`, `window.end`. */
  source: string;
}

export interface QueryStats {
  elapsedMs: number;
  eventsScanned?: number;
  bytesScanned?: number;
  costUsd?: number;
  engineQueryId?: string;
}

export interface LoadProgress {
  filesRead: number;
  filesTotal: number;
  eventsRead: number;
}
