/**
 * What a query answers with, in the words every room uses: the engines by name, a time window,
 * rows of cells, the values bound into a statement, and what a query or a load cost.
 */
export const ENGINE_NAMES = ['duckdb', 'athena', 'lake', 'lookup'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/**
 * What a run's logs hold when its window holds none of their events: the span they do cover
 * (ISO times, end exclusive), so the person can be told where to look instead.
 */
export interface EmptyWindow {
  window: { start: string; end: string };
  /** The span the logs cover; absent when they hold no event at all. */
  covered?: { start: string; end: string };
}

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
