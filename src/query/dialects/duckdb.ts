/**
 * DuckDB, the embedded engine, over the `events` table (engines/duckdb/table.ts):
 * eventTime is a TIMESTAMP, payloads are JSON values, userIdentity is a STRUCT. Values are
 * bound as `$n` parameters; a list is a single LIST(VARCHAR) parameter. No extension is
 * loaded (there is no network), so everything here is core DuckDB.
 */
import { sqlStringLiteral } from '../escape.js';
import { EVENTS_TABLE } from '../engines/duckdb/table.js';
import type { SqlDialect } from './dialect.js';
import { numberedBinder } from './binders.js';

const quote = (name: string): string => `"${name}"`;

export const duckdbDialect: SqlDialect = {
  engine: 'duckdb',
  bindsLists: true,
  binder: numberedBinder,
  table: () => EVENTS_TABLE,

  column: quote,
  structField: (column, path) => [column, ...path].map(quote).join('.'),
  // `->>` returns text: strings unquoted, objects as JSON text, JSON null as NULL. It binds
  // more loosely than `=` or IS NULL, hence the parentheses.
  jsonText: (column, path) => `(${quote(column)}->>${sqlStringLiteral(['$', ...path].join('.'))})`,
  // resources is a JSON column: a JSON null must read as missing, like a missing list.
  listColumn: (name) => `(${quote(name)}->>'$')`,
  booleanText: (expr) => `CAST(${expr} AS VARCHAR)`,
  timeText: (expr) => `strftime(${expr}, '%Y-%m-%dT%H:%M:%SZ')`,
  alias: quote,

  fullMatch: (expr, body) => `regexp_full_match(${expr}, ${sqlStringLiteral(body)})`,
  startsWith: (expr, value) => `starts_with(${expr}, ${value})`,
  containsText: (expr, value) => `contains(${expr}, ${value})`,
  membership: (expr, values, source, binder) => `list_contains(${binder.bind(values, source)}, ${expr})`,
  padPieces: (expr, separator, width, joiner, dropEmpty) => {
    const split = `string_split(${expr}, ${sqlStringLiteral(separator)})`;
    const pieces = dropEmpty ? `list_filter(${split}, lambda p: p <> '')` : split;
    return `array_to_string(list_transform(${pieces}, lambda p: lpad(p, ${width}, '0')), ${sqlStringLiteral(joiner)})`;
  },

  windowPredicates: (window, binder) => [
    `${quote('eventTime')} >= ${binder.bind(window.start, 'window.start')}`,
    `${quote('eventTime')} < ${binder.bind(window.end, 'window.end')}`,
  ],

  // The first `limit` by time (then id), kept as they come: a group of millions of events
  // holds `limit` ids, not a list of all of them sorted and cut.
  eventIdList: (idExpr, timeExpr, limit) =>
    `min_by(${idExpr}, {'t': ${timeExpr}, 'id': ${idExpr}}, ${limit}) FILTER (WHERE ${idExpr} IS NOT NULL)`,
};
