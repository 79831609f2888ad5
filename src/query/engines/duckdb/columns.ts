/**
 * Which columns of the events table a session loads. DuckDB spends its load time typing
 * values into columns, in proportion to their bytes, and the free-form payloads
 * (requestParameters, responseElements, resources...) are most of an event's bytes: so a
 * session loads only the columns its run's queries read (EngineHooks.columns), and a query
 * reading any other column fails, naming it (ColumnNotLoadedError), instead of finding it empty.
 */
import { EVENTS_COLUMNS, type EventColumn } from './table.js';

/** Always loaded: every query's window is on eventTime, and results cite eventIDs. */
const ALWAYS_LOADED = new Set(['eventTime', 'eventID']);

/** The columns to load for the fields a run reads, in table order; all of them when unknown. */
export function columnsToLoad(requested: ReadonlySet<string> | undefined): EventColumn[] {
  if (!requested) return [...EVENTS_COLUMNS];
  const known = new Set(EVENTS_COLUMNS.map(([name]) => name));
  const unknown = [...requested].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`the events table has no column ${unknown.map((n) => `"${n}"`).join(', ')} (it has: ${[...known].join(', ')})`);
  }
  return EVENTS_COLUMNS.filter(([name]) => requested.has(name) || ALWAYS_LOADED.has(name));
}

export function columnNames(columns: ReadonlyArray<EventColumn>): string[] {
  return columns.map(([name]) => name);
}
