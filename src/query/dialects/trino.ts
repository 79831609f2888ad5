/**
 * Spellings shared by the two Trino-based engines, Athena and CloudTrail Lake.
 */
import { sqlStringLiteral } from '../escape.js';
import type { Binder, SqlDialect } from './dialect.js';

type TrinoShared = Pick<
  SqlDialect,
  'booleanText' | 'alias' | 'fullMatch' | 'startsWith' | 'containsText' | 'membership' | 'padPieces' | 'eventIdList'
>;

/**
 * A JSON value as text, like DuckDB's `->>`: json_extract_scalar gives strings, numbers and
 * booleans; objects and arrays (for which it gives NULL) come back as their JSON text; JSON
 * null stays NULL.
 */
export function trinoJsonText(json: string, path: readonly string[]): string {
  const jsonPath = sqlStringLiteral(['$', ...path].join('.'));
  return `COALESCE(json_extract_scalar(${json}, ${jsonPath}), NULLIF(json_format(json_extract(${json}, ${jsonPath})), 'null'))`;
}

export const trinoShared: TrinoShared = {
  booleanText: (expr) => `CAST(${expr} AS VARCHAR)`,
  alias: (name) => `"${name}"`,
  // Trino's `$` may also match before a final line break, so anchors alone are not a full
  // match; comparing the extracted match with the whole value is.
  fullMatch: (expr, body) => `regexp_extract(${expr}, ${sqlStringLiteral(`^(${body})$`)}) = ${expr}`,
  startsWith: (expr, value) => `starts_with(${expr}, ${value})`,
  containsText: (expr, value) => `strpos(${expr}, ${value}) > 0`,
  // No array parameters: one value per element, and an empty list is statically false.
  membership: (expr: string, values: readonly string[], source: string, binder: Binder) =>
    values.length === 0 ? null : `${expr} IN (${values.map((v) => binder.bind(v, source)).join(', ')})`,
  padPieces: (expr, separator, width, joiner, dropEmpty) => {
    const split = `split(${expr}, ${sqlStringLiteral(separator)})`;
    const pieces = dropEmpty ? `filter(${split}, p -> p <> '')` : split;
    return `array_join(transform(${pieces}, p -> lpad(p, ${width}, '0')), ${sqlStringLiteral(joiner)})`;
  },
  eventIdList: (idExpr, timeExpr, limit) =>
    `slice(array_agg(${idExpr} ORDER BY ${timeExpr}, ${idExpr}) FILTER (WHERE ${idExpr} IS NOT NULL), 1, ${limit})`,
};
