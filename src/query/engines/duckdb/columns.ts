/**
 * Which columns of the events table a session loads, and of a struct column which fields.
 * DuckDB spends its load time typing values into columns, in proportion to their bytes, and
 * the free-form payloads (requestParameters, responseElements, resources...) are most of an
 * event's bytes: so a session loads only the fields its run's queries read
 * (EngineHooks.columns: `eventName`, `requestParameters`, or a struct's `userIdentity.arn`),
 * and a query reading any other fails, naming it (ColumnNotLoadedError), instead of finding
 * it empty.
 */
import { typeToStructure, type Structure } from './schema.js';
import { narrowType } from './struct-fields.js';
import { EVENTS_COLUMNS, type EventColumn } from './table.js';

/** Always loaded: every query's window is on eventTime, and results cite eventIDs. */
const ALWAYS_LOADED = ['eventTime', 'eventID'];

/** The columns to load for the fields a run reads, in table order; all of them when unknown. */
export function columnsToLoad(requested: ReadonlySet<string> | undefined): EventColumn[] {
  if (!requested) return [...EVENTS_COLUMNS];
  const paths = new Map<string, string[][]>();
  for (const field of [...requested, ...ALWAYS_LOADED]) {
    const [column, ...path] = field.split('.');
    paths.set(column!, [...(paths.get(column!) ?? []), path]);
  }
  const known = new Set(EVENTS_COLUMNS.map(([name]) => name));
  const unknown = [...paths.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`the events table has no column ${unknown.map((n) => `"${n}"`).join(', ')} (it has: ${[...known].join(', ')})`);
  }
  return EVENTS_COLUMNS.filter(([name]) => paths.has(name)).map(([name, type]) => {
    const wanted = paths.get(name)!;
    return wanted.some((p) => p.length === 0) ? [name, type] : [name, narrowType(name, type, wanted)];
  });
}

export function columnNames(columns: ReadonlyArray<EventColumn>): string[] {
  return columns.map(([name]) => name);
}

/** For messages: the fields loaded, a narrowed struct as its leaves (`userIdentity.arn`). */
export function loadedFields(columns: ReadonlyArray<EventColumn>): string[] {
  const full = new Map(EVENTS_COLUMNS);
  return columns.flatMap(([name, type]) => (full.get(name) === type ? [name] : leaves(name, typeToStructure(type))));
}

function leaves(at: string, structure: Structure): string[] {
  if (typeof structure === 'string' || Array.isArray(structure)) return [at];
  return Object.entries(structure).flatMap(([name, field]) => leaves(`${at}.${name}`, field));
}
