/**
 * What differs between the SQL engines, as data and small functions. The one compiler
 * (../sql-compiler.ts) walks the query and asks the dialect how to spell each piece, the
 * way a pySigma backend is a shared converter plus a table of tokens and templates.
 */
import type { BoundParam, TimeWindow } from '../../model/query.js';
import type { CompileContext } from '../context.js';

export type SqlEngine = 'duckdb' | 'athena' | 'lake';

/** A value the compiler hands to a binder: text, a number, a time, or (DuckDB only) a list of text. */
export type BindValue = string | number | Date | readonly string[];

/**
 * Collects the statement's values. `bind` returns the text that stands for the value in the
 * statement: a placeholder where the engine binds values, an escaped literal where it cannot.
 */
export interface Binder {
  readonly params: BoundParam[];
  bind(value: BindValue, source: string): string;
}

export interface SqlDialect {
  readonly engine: SqlEngine;
  /** Whether a list can be bound as one parameter (else it is spelled out value by value). */
  readonly bindsLists: boolean;
  /** A fresh binder for one statement. */
  binder(): Binder;
  /** The FROM target, validated from the engine settings. */
  table(ctx: CompileContext): string;

  // ----- field access -----
  /** A top-level column. */
  column(name: string): string;
  /** A field inside a struct column: userIdentity.sessionContext.sessionIssuer.arn. */
  structField(column: string, path: readonly string[]): string;
  /** A JSON payload's sub-field as text (objects as JSON text, JSON null as NULL); `[]` = the whole payload. */
  jsonText(column: string, path: readonly string[]): string;
  /** A list column (resources) in a form that is NULL when the event has no list. */
  listColumn(name: string): string;
  /** A boolean column as 'true' / 'false'. */
  booleanText(expr: string): string;
  /** eventTime as CloudTrail's `YYYY-MM-DDTHH:MM:SSZ` text, for output. */
  timeText(expr: string): string;
  /** A column alias. */
  alias(name: string): string;

  // ----- predicates -----
  /** The whole of `expr` matches the regular expression body (no partial or line-wise matches). */
  fullMatch(expr: string, patternBody: string): string;
  startsWith(expr: string, value: string): string;
  containsText(expr: string, value: string): string;
  /** `expr` is one of `values`; null when that is statically false (an empty list). */
  membership(expr: string, values: readonly string[], source: string, binder: Binder): string | null;
  /** Split text on `separator`, optionally drop empty pieces, left-pad each with zeros to `width`, join with `joiner`. */
  padPieces(expr: string, separator: string, width: number, joiner: string, dropEmpty: boolean): string;

  // ----- time window -----
  /** eventTime >= start AND eventTime < end, plus whatever prunes the engine's storage. */
  windowPredicates(window: TimeWindow, binder: Binder, ctx: CompileContext): string[];

  // ----- aggregates -----
  /** Up to `limit` non-null eventIDs of a group, ordered by time then id. */
  eventIdList(idExpr: string, timeExpr: string, limit: number): string;
}
