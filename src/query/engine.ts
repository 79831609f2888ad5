/**
 * What every query engine offers the runner. An engine is opened once per run with the
 * run's time window (so the embedded engine loads that window once), answers each query
 * step of the run, and is closed at the end.
 */
import type { BoundParam, EmptyWindow, EngineName, LoadProgress, QueryStats, Row, TimeWindow } from '../model/query.js';
import type { Condition, PortableQuery } from './definition.js';

/** For LookupEvents: the one lookup attribute and the rest of the filter, applied client-side. */
export interface LookupPlan {
  attribute: { key: string; value: string } | null;
  startTime: Date;
  endTime: Date;
  /** The whole query; the engine filters returned events by `query.where` and projects. */
  query: PortableQuery;
  /** The part of `where` the lookup attribute does not already guarantee. */
  residual: Condition;
  /** Why this attribute was chosen, for `ctrb explain`. */
  reason: string;
}

export interface CompiledQuery {
  engine: EngineName;
  /** The exact statement (SQL) or, for LookupEvents, a readable description of the request. */
  text: string;
  params: BoundParam[];
  /** Output column names, in order. */
  columns: string[];
  lookup?: LookupPlan;
}

export interface QueryResult {
  columns: string[];
  rows: Row[];
  stats: QueryStats;
}

export interface EngineHooks {
  onProgress?: (p: LoadProgress) => void;
  onWarning?: (message: string) => void;
  /** The window holds no event of the logs (an engine over local logs says what they cover). */
  onEmptyWindow?: (empty: EmptyWindow) => void;
  signal?: AbortSignal;
  /**
   * The CloudTrail fields the run's queries read, known before the first query runs: columns
   * (`eventName`, `requestParameters`) or fields of a struct column (`userIdentity.arn`). An
   * engine that loads events itself (duckdb) may load only these; a query reading any other
   * field then fails, naming it, rather than finding it empty. Absent: every field (raw SQL
   * may read anything).
   */
  columns?: ReadonlySet<string>;
  /**
   * Every event a query of the run can match holds one of these strings in its JSON text
   * (query/needles.ts): an engine that parses events itself may leave the others unparsed.
   * Absent: no such promise.
   */
  needles?: readonly string[];
}

export interface EngineSession {
  run(query: CompiledQuery, signal?: AbortSignal): Promise<QueryResult>;
  close(): Promise<void>;
}

export interface QueryEngine {
  readonly name: EngineName;
  open(window: TimeWindow, hooks?: EngineHooks): Promise<EngineSession>;
}
