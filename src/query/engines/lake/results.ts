/**
 * CloudTrail Lake's result rows as rows. Lake returns each row as a list of single-key maps
 * (`[{"eventTime": "…"}, {"logins": "3"}]`), every value as text, and no column types. The
 * statement is the compiler's own, so its select list says which columns are counts (numbers
 * on every other engine) and which the eventIDs list.
 */
import type { CellValue, Row } from '../../../model/query.js';
import { EVENT_IDS_ALIAS } from '../../normalize.js';

type Kind = 'text' | 'number' | 'list';

/** The top-level items of the statement's select list (between SELECT and FROM). */
export function selectItems(statement: string): string[] {
  const body = statement.replace(/^\s*SELECT\s+/i, '');
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  let end = body.length;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      depth--;
    } else if (depth === 0 && ch === ',') {
      items.push(body.slice(start, i).trim());
      start = i + 1;
    } else if (depth === 0 && /^\s+FROM\s/i.test(body.slice(i, i + 16))) {
      end = i;
      break;
    }
  }
  items.push(body.slice(start, end).trim());
  return items;
}

export function columnKinds(statement: string, columns: readonly string[]): Kind[] {
  const items = selectItems(statement);
  return columns.map((column, i) => {
    if (column === EVENT_IDS_ALIAS) return 'list';
    const expr = items[i] ?? '';
    return /^count\s*\(/i.test(expr) ? 'number' : 'text';
  });
}

/** `[a, b]` (Trino's text form) or `["a","b"]` → ['a', 'b']. */
export function parseLakeList(text: string): string[] {
  if (text.startsWith('["')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON after all: read it as Trino's text form.
    }
  }
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner === '' ? [] : inner.split(', ');
}

function cellValue(text: string | undefined, kind: Kind): CellValue {
  if (text === undefined) return null;
  if (kind === 'number') {
    const n = Number(text);
    return text !== '' && Number.isFinite(n) ? n : text;
  }
  return kind === 'list' ? parseLakeList(text) : text;
}

/** Column names: the compiled query's by position; raw SQL, which declares none, Lake's own keys. */
export function lakeRows(resultRows: readonly (readonly Record<string, string>[])[], compiledColumns: readonly string[], statement: string): { columns: string[]; rows: Row[] } {
  const first = resultRows[0];
  const columns = compiledColumns.length > 0 ? [...compiledColumns] : (first ?? []).map((cell, i) => Object.keys(cell)[0] ?? `column${i + 1}`);
  const kinds = compiledColumns.length > 0 ? columnKinds(statement, columns) : columns.map((): Kind => 'text');
  const rows = resultRows.map((cells) => {
    const row: Row = {};
    columns.forEach((name, i) => {
      const cell = cells[i] ?? {};
      row[name] = cellValue(Object.values(cell)[0], kinds[i] ?? 'text');
    });
    return row;
  });
  return { columns, rows };
}
