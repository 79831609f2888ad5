/**
 * `:name` placeholders in raw SQL. A placeholder is found only in SQL code: never inside a
 * string literal, a quoted identifier or a comment, and never in a `::` cast.
 */

/** Placeholders every raw query may (and must) use: the run's time window. */
export const WINDOW_PLACEHOLDERS = ['window_start', 'window_end'] as const;

/**
 * `:table` is the engine's table as configured for this deployment (DuckDB `events`, the
 * Athena table, the Lake event data store), so a raw runbook does not hard-code it. It is
 * an identifier checked by the dialect, not a value.
 */
export const TABLE_PLACEHOLDER = 'table';

/** Names a raw query's params cannot take. */
export const RESERVED_PLACEHOLDERS: readonly string[] = [...WINDOW_PLACEHOLDERS, TABLE_PLACEHOLDER];

export interface Placeholder {
  name: string;
  /** Offset of the `:`. */
  start: number;
  /** Offset just after the name. */
  end: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Skip from `i` (on an opening quote) past the closing one; doubled quotes stay inside. */
function skipQuoted(sql: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return sql.length;
}

/**
 * `sql` with every string literal, quoted identifier and comment blanked out (each character
 * a space, so offsets are kept): what is left is SQL code, which placeholders and keywords are
 * looked for in.
 */
export function sqlCode(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    let end = i;
    if (ch === "'" || ch === '"') {
      end = skipQuoted(sql, i, ch);
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      end = nl === -1 ? sql.length : nl;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      end = close === -1 ? sql.length : close + 2;
    }
    if (end > i) {
      out += ' '.repeat(end - i);
      i = end;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

export function scanPlaceholders(sql: string): Placeholder[] {
  const code = sqlCode(sql);
  const found: Placeholder[] = [];
  let i = 0;
  while (i < code.length) {
    const ch = code[i]!;
    if (ch === ':' && code[i + 1] === ':') {
      i += 2; // a `::` cast, never a placeholder
    } else if (ch === ':' && NAME_START.test(code[i + 1] ?? '')) {
      let j = i + 2;
      while (j < code.length && NAME_CHAR.test(code[j]!)) j++;
      found.push({ name: code.slice(i + 1, j), start: i, end: j });
      i = j;
    } else {
      i++;
    }
  }
  return found;
}

/** Replace each placeholder with the text `render` returns for it, left to right. */
export function replacePlaceholders(sql: string, render: (p: Placeholder) => string): string {
  let out = '';
  let last = 0;
  for (const p of scanPlaceholders(sql)) {
    out += sql.slice(last, p.start) + render(p);
    last = p.end;
  }
  return out + sql.slice(last);
}
