/**
 * Raw SQL reads, never writes: a raw step is exactly one SELECT statement (or WITH … SELECT).
 * An UPDATE of the loaded events would change what every later step of the run sees, and a
 * CREATE TABLE … AS, a COPY or an INSERT reach beyond the run, so none of them is a query.
 *
 * This check reads the SQL's code (literals, quoted identifiers and comments aside) and holds
 * on every engine, at compile time, so `ctrb validate` refuses such a step. Where the engine
 * has its own parser it is asked as well: DuckDB says a prepared statement's type
 * (engines/duckdb/statement-type.ts), and only a SELECT is run.
 */
import { sqlCode } from './raw-sql.js';

/** The words a statement can begin with once a WITH clause's common table expressions are read. */
const STATEMENT_WORDS = new Set([
  'select', 'insert', 'update', 'delete', 'merge', 'upsert', 'values', 'table', 'from', 'create', 'drop', 'alter',
  'copy', 'attach', 'detach', 'export', 'import', 'install', 'load', 'pragma', 'set', 'reset', 'call', 'grant',
  'revoke', 'truncate', 'vacuum', 'checkpoint', 'unload', 'analyze', 'explain', 'describe', 'show', 'use',
  'begin', 'commit', 'rollback', 'prepare', 'execute', 'deallocate', 'summarize', 'pivot', 'unpivot', 'refresh',
]);

/**
 * Why `sql` is not one read-only statement, as a phrase after "raw SQL …", or undefined when
 * it is one SELECT (or WITH … SELECT). A final `;` is allowed.
 */
export function readOnlyProblem(sql: string): string | undefined {
  const statements = sqlCode(sql)
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (statements.length === 0) return 'is empty';
  if (statements.length > 1) return `holds ${statements.length} statements; a raw step is exactly one SELECT`;
  const kind = statementKind(statements[0]!);
  if (kind === 'select') return undefined;
  return `is ${kind === undefined ? 'not a SELECT' : `${article(kind)} ${kind.toUpperCase()} statement`}; a raw step may only read (one SELECT, or WITH … SELECT)`;
}

/**
 * The statement's kind: its first word, or after a WITH clause, the first word outside the
 * parentheses of its common table expressions that begins a statement.
 */
function statementKind(code: string): string | undefined {
  const words = wordsOutsideParentheses(code);
  const first = words[0];
  if (first !== 'with') return first;
  return words.find((w) => STATEMENT_WORDS.has(w));
}

/** The lower-cased words of `code` at parenthesis depth 0, a leading `(`-wrapped statement unwrapped. */
function wordsOutsideParentheses(code: string): string[] {
  const unwrapped = code.replace(/^\(+/, '');
  const depthZero: string[] = [];
  let depth = code.length - unwrapped.length;
  const skippedOpen = depth;
  for (const token of unwrapped.matchAll(/[A-Za-z_][A-Za-z0-9_]*|[()]/g)) {
    const t = token[0];
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (depth === skippedOpen) depthZero.push(t.toLowerCase());
  }
  return depthZero;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
