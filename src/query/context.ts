/**
 * What the compiler needs besides the query: the run's parameter values, earlier steps'
 * rows, the time window, and per-engine settings.
 */
import type { CellValue, TimeWindow } from '../model/query.js';
import type { ResolvedParams } from '../model/run.js';

export interface ValueContext {
  /** Resolved parameter values by name (without the `$`). */
  params: Readonly<ResolvedParams>;
  /**
   * The values of an earlier step's column, for `$steps.<step>.<column>`. Returns undefined
   * when that step or column does not exist. Leave the whole function out when explaining a
   * runbook before it runs: the compiler then binds a descriptive placeholder value.
   */
  stepValues?: (step: string, column: string) => readonly CellValue[] | undefined;
}

export type AthenaPartitioning = 'timestamp' | 'region-year-month-day' | 'none';

export interface AthenaSettings {
  /** `table`, `database.table` or `catalog.database.table`. */
  table: string;
  /**
   * How the table is partitioned: partition projection on a `timestamp` column with values
   * `yyyy/MM/dd`, AWS's `region`/`year`/`month`/`day` layout, or none.
   */
  partitioning: AthenaPartitioning;
  /** With `region-year-month-day`: only these regions' partitions are read. */
  regions?: readonly string[];
}

export interface LakeSettings {
  /** The event data store's ID, or its ARN. */
  eventDataStore: string;
}

/** Per-engine settings; only the chosen engine's are needed. */
export interface CompileSettings {
  athena?: AthenaSettings;
  lake?: LakeSettings;
}

export interface CompileContext extends ValueContext, CompileSettings {
  window: TimeWindow;
  /** "Now", for LookupEvents' 90-day horizon; defaults to the clock. */
  now?: Date;
}
