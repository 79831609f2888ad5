/**
 * AWS CloudTrail Lake: Trino SQL over an event data store, named by its ID in FROM. Field
 * names are CloudTrail's own; eventTime is a timestamp compared with
 * `'YYYY-MM-DD HH:MM:SS'`; payloads (requestParameters, ...) are maps of text. Lake has no
 * parameter binding, so every value is inlined by the audited escape function after it has
 * passed its type's validation (see ../escape.ts and ./binders.ts).
 */
import type { CompileContext } from '../context.js';
import { QueryValueError } from '../errors.js';
import { sqlStringLiteral } from '../escape.js';
import type { SqlDialect } from './dialect.js';
import { inlineBinder } from './binders.js';
import { trinoJsonText, trinoShared } from './trino.js';

const EDS_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;
const EDS_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:eventdatastore\/([A-Za-z0-9][A-Za-z0-9-]{0,127})$/;

/** The event data store ID from an ID or an ARN; anything else is refused before it becomes SQL. */
export function eventDataStoreId(value: string): string {
  const arn = EDS_ARN.exec(value);
  if (arn) return arn[1]!;
  if (EDS_ID.test(value)) return value;
  throw new QueryValueError(`"${value}" is not a CloudTrail Lake event data store ID or ARN (arn:aws:cloudtrail:<region>:<account>:eventdatastore/<id>)`);
}

function table(ctx: CompileContext): string {
  if (!ctx.lake) throw new QueryValueError('compiling for lake needs the lake settings (eventDataStore)');
  return eventDataStoreId(ctx.lake.eventDataStore);
}

export const lakeDialect: SqlDialect = {
  ...trinoShared,
  engine: 'lake',
  bindsLists: false,
  binder: inlineBinder,
  table,

  column: (name) => name,
  structField: (column, path) => [column, ...path].join('.'),
  listColumn: (name) => name,
  // A payload is a map whose values are text (nested objects as JSON text).
  jsonText: (column, path) => {
    if (path.length === 0) return `json_format(CAST(${column} AS JSON))`;
    const top = `element_at(${column}, ${sqlStringLiteral(path[0]!)})`;
    return path.length === 1 ? top : trinoJsonText(top, path.slice(1));
  },
  timeText: (expr) => `date_format(${expr}, '%Y-%m-%dT%H:%i:%sZ')`,

  windowPredicates: (window, binder) => [
    `eventTime >= ${binder.bind(window.start, 'window.start')}`,
    `eventTime < ${binder.bind(window.end, 'window.end')}`,
  ],
};
