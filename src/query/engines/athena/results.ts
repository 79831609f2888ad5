/**
 * Athena's result pages as rows. Athena returns every value as text, names columns in lower
 * case, and puts a header row (the column labels) first on the first page only. The types
 * in ResultSetMetadata.ColumnInfo say which text is a number (counts) and which a list
 * (eventIDs, shown as `[id1, id2]`), so rows come out as the other engines give them.
 */
import type { ColumnInfo, Row as AthenaRow } from '@aws-sdk/client-athena';
import type { CellValue, Row } from '../../../model/query.js';

type Kind = 'text' | 'number' | 'list';

const NUMERIC = /^(tinyint|smallint|integer|int|bigint|real|float|double|decimal)\b/;

export function kindOf(type: string | undefined): Kind {
  const t = (type ?? '').toLowerCase();
  if (NUMERIC.test(t)) return 'number';
  if (t.startsWith('array')) return 'list';
  return 'text';
}

/**
 * `[a, b, c]` → ['a', 'b', 'c']. Athena writes arrays of text without quoting the elements, so
 * an element that itself contains ", " cannot be told apart; eventIDs and the other lists
 * the compiler produces never do.
 */
export function parseAthenaList(text: string): string[] {
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner === '' ? [] : inner.split(', ');
}

export function cellValue(text: string | undefined, kind: Kind): CellValue {
  if (text === undefined) return null;
  switch (kind) {
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? n : text;
    }
    case 'list':
      return parseAthenaList(text);
    case 'text':
      return text;
  }
}

export interface ResultShape {
  names: string[];
  kinds: Kind[];
}

/**
 * Column names: the compiled query's, by position (Athena lower-cases `eventTime` to
 * `eventtime`); for raw SQL, which declares none, Athena's own.
 */
export function resultShape(compiledColumns: readonly string[], info: readonly ColumnInfo[]): ResultShape {
  const names = compiledColumns.length === info.length && info.length > 0 ? [...compiledColumns] : info.map((c, i) => c.Label ?? c.Name ?? `column${i + 1}`);
  return { names, kinds: info.map((c) => kindOf(c.Type)) };
}

export function toRow(row: AthenaRow, shape: ResultShape): Row {
  const out: Row = {};
  const data = row.Data ?? [];
  shape.names.forEach((name, i) => {
    out[name] = cellValue(data[i]?.VarCharValue, shape.kinds[i] ?? 'text');
  });
  return out;
}
