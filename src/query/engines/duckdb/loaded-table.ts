/**
 * Where a session's events live. The loader fills `loaded_events`: the loaded columns, plus
 * `ctrb_file`, the number of the log file each row came from (what the cache writes rows
 * back out by). Queries read the view `events`: the loaded columns, inside the run's window.
 *
 * Rows are kept whole-file (not cut to the window) while the cache is on, because a cache
 * entry holds every event of its files and serves later runs over other windows; the view
 * applies the window, so every query sees the same rows either way.
 */
import type { TimeWindow } from '../../../model/query.js';
import { columnListSql, createEventsTableSql, EVENTS_TABLE, type EventColumn } from './table.js';

export const LOADED_TABLE = 'loaded_events';
/** The source-file number of each row: `<n>.ndjson` in the scratch folder, `n` in a cache entry. */
export const FILE_COLUMN = 'ctrb_file';

/**
 * The rows of some files (`param`: a LIST of their numbers). Files of a batch have neighbouring
 * numbers, so the range lets DuckDB skip the rest of the table by its row groups' statistics;
 * the semi-join then picks the files, a hash lookup per row (list_contains would walk the list).
 */
export function ofFiles(param: string): string {
  return `${FILE_COLUMN} BETWEEN list_min(${param}) AND list_max(${param}) AND ${FILE_COLUMN} IN (SELECT unnest(${param}))`;
}

export function createLoadedTableSql(columns: ReadonlyArray<EventColumn>): string {
  return createEventsTableSql([...columns, [FILE_COLUMN, 'UINTEGER']], LOADED_TABLE);
}

/**
 * The view queries read. A view cannot take parameters, so the window's bounds are written
 * in: they are Dates, printed by toISOString, never text from a user.
 */
export function createEventsViewSql(columns: ReadonlyArray<EventColumn>, window: TimeWindow): string {
  return (
    `CREATE VIEW ${EVENTS_TABLE} AS SELECT ${columnListSql(columns)} FROM ${LOADED_TABLE} ` +
    `WHERE "eventTime" >= ${timestampLiteral(window.start)} AND "eventTime" < ${timestampLiteral(window.end)}`
  );
}

function timestampLiteral(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new Error('the time window needs valid dates');
  return `TIMESTAMP '${date.toISOString().replace('T', ' ').replace('Z', '')}'`;
}
