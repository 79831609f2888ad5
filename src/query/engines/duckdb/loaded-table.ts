/**
 * Where a session's events live, and the `events` view its queries read:
 *
 * - cache entries (Parquet files of whole records), read where they lie: each query reads
 *   only the columns and row groups it needs, and a filter on a field is applied as the file
 *   is read;
 * - `loaded_events`, the session's own table, for what it parsed without the cache: the
 *   columns the run reads, plus `ctrb_file`, the number of the log file each row came from.
 *
 * The view shows the columns the run reads (a query reading another fails, naming it:
 * errors.ts), inside the run's window. A struct read from the cache keeps all its fields,
 * unless rows of the session's table (narrowed to the fields the run reads) sit beside it.
 */
import type { TimeWindow } from '../../../model/query.js';
import type { ParquetSource } from './cache/event-cache.js';
import { sqlLiteral } from './schema.js';
import { narrowingSql } from './struct-fields.js';
import { columnListSql, createEventsTableSql, EVENTS_COLUMNS, EVENTS_TABLE, type EventColumn } from './table.js';

export const LOADED_TABLE = 'loaded_events';
/** The source-file number of each row: `<n>.ndjson` in the scratch folder, `n` in a cache entry. */
export const FILE_COLUMN = 'ctrb_file';

export function createLoadedTableSql(columns: ReadonlyArray<EventColumn>): string {
  return createEventsTableSql([...columns, [FILE_COLUMN, 'UINTEGER']], LOADED_TABLE);
}

/** What a session's view reads (load.ts). */
export interface ViewSources {
  parquet: readonly ParquetSource[];
  /** The session's table holds rows. */
  table: boolean;
}

const FULL_TYPES = new Map(EVENTS_COLUMNS);

/** Whether some rows hold only the columns the run reads (as it asked, structs narrowed). */
function someNarrow(sources: ViewSources): boolean {
  return sources.table || sources.parquet.length === 0 || sources.parquet.some((p) => !p.whole);
}

/** The view's columns: as the run asked, or with whole structs when every row comes from the cache. */
export function viewColumns(columns: ReadonlyArray<EventColumn>, sources: ViewSources): EventColumn[] {
  if (someNarrow(sources)) return [...columns];
  return columns.map(([name]) => [name, FULL_TYPES.get(name)!] as const);
}

/**
 * The rows of every source, with the columns the run reads, and a condition on eventTime
 * (the window, or none). A view cannot take parameters, so paths, file numbers and times are
 * written in: the cache's own paths (sqlLiteral), numbers, and Dates printed by toISOString,
 * never text from a user.
 */
function sourcesSql(columns: ReadonlyArray<EventColumn>, sources: ViewSources, window: TimeWindow | null): string {
  const timeCondition = window ? `"eventTime" >= ${timestampLiteral(window.start)} AND "eventTime" < ${timestampLiteral(window.end)}` : null;
  const where = (...conditions: (string | null)[]): string => {
    const all = conditions.filter((c): c is string => c !== null);
    return all.length > 0 ? ` WHERE ${all.join(' AND ')}` : '';
  };
  const narrowed = columns.map(([name, type]) => narrowingSql(name, FULL_TYPES.get(name)!, type)).join(', ');
  const fromWhole = someNarrow(sources) ? narrowed : columnListSql(columns);
  const branches: string[] = [];
  for (const whole of [true, false]) {
    const paths = sources.parquet.filter((s) => s.files === null && s.whole === whole).map((s) => sqlLiteral(s.path));
    if (paths.length > 0) branches.push(`SELECT ${whole ? fromWhole : columnListSql(columns)} FROM read_parquet([${paths.join(', ')}])${where(timeCondition)}`);
  }
  for (const source of sources.parquet.filter((s) => s.files !== null)) {
    const files = source.files!;
    const low = files.reduce((a, b) => Math.min(a, b), Infinity);
    const high = files.reduce((a, b) => Math.max(a, b), -Infinity);
    const ofFiles = files.length === 0 ? 'FALSE' : `${FILE_COLUMN} BETWEEN ${low} AND ${high} AND ${FILE_COLUMN} IN (${files.join(', ')})`;
    branches.push(`SELECT ${source.whole ? fromWhole : columnListSql(columns)} FROM read_parquet(${sqlLiteral(source.path)})${where(timeCondition, ofFiles)}`);
  }
  if (sources.table || branches.length === 0) branches.push(`SELECT ${columnListSql(columns)} FROM ${LOADED_TABLE}${where(timeCondition)}`);
  return branches.join('\nUNION ALL\n');
}

/** The view queries read: the run's columns (viewColumns), inside its window. */
export function createEventsViewSql(columns: ReadonlyArray<EventColumn>, sources: ViewSources, window: TimeWindow): string {
  if (Number.isNaN(window.start.getTime()) || Number.isNaN(window.end.getTime())) throw new Error('the time window needs valid dates');
  return `CREATE VIEW ${EVENTS_TABLE} AS\n${sourcesSql(columns, sources, window)}`;
}

/** The earliest and latest eventTime of every row of the sources, whatever the window (epoch ms). */
export function eventSpanSql(columns: ReadonlyArray<EventColumn>, sources: ViewSources): string {
  return `SELECT epoch_ms(min("eventTime")), epoch_ms(max("eventTime")) FROM (${sourcesSql(columns, sources, null)})`;
}

function timestampLiteral(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new Error('the time window needs valid dates');
  return `TIMESTAMP '${date.toISOString().replace('T', ' ').replace('Z', '')}'`;
}
