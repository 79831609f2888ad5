/**
 * Trino's grammar, for the fakes of Athena and CloudTrail Lake (both run Trino SQL) and the
 * tests that check every statement the compiler writes: dt-sql-parser's TrinoSQL, an ANTLR
 * grammar derived from Trino's own. A statement the real engines would refuse for its syntax
 * is refused here too, and the fakes learn from the parse what a statement asks for (the names
 * of its output columns, its LIMIT) so their answers follow the statement.
 */
import { TrinoSQL } from 'dt-sql-parser';

export interface TrinoStatement {
  /** Syntax errors, each with its line and column; empty when the statement parses. */
  errors: string[];
  /** The names of the columns the statement returns (aliases, or the bare column names), in order. */
  columns: string[];
  /** The outermost LIMIT, when it is a number. */
  limit?: number;
}

const trino = new TrinoSQL();

/**
 * Parses one statement. CloudTrail Lake names its table by an event data store id such as
 * `EXAMPLE-f852-4e8f-…`, which Trino itself would read as a subtraction: pass it as `table`
 * and it is read as the one identifier Lake takes it for.
 */
export function parseTrino(sql: string, options: { table?: string } = {}): TrinoStatement {
  const text = options.table ? quoteTable(sql, options.table) : sql;
  const statements = trino.splitSQLByStatement(text) ?? [];
  const errors = trino.validate(text).map((e) => `line ${e.startLine}:${e.startColumn}: ${e.message}`);
  if (errors.length === 0 && statements.filter((s) => s.text.replace(/;\s*$/, '').trim() !== '').length !== 1) {
    errors.push(`expected exactly one statement, found ${statements.length}`);
  }
  if (errors.length > 0) return { errors, columns: [] };
  return { errors, ...outputOf(trino.parse(text) as unknown as Node) };
}

function quoteTable(sql: string, table: string): string {
  const escaped = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return sql.replace(new RegExp(`(\\bFROM\\s+)${escaped}(?![\\w-])`, 'gi'), `$1"${table}"`);
}

/** A node of the parse tree, as far as this file reads it. */
interface Node {
  constructor: { name: string };
  children?: Node[] | null;
  getText(): string;
}

/** The outermost query specification's select items and LIMIT. */
function outputOf(tree: Node): Omit<TrinoStatement, 'errors'> {
  let best: { depth: number; columns: string[] } | undefined;
  let limit: number | undefined;
  const visit = (node: Node, depth: number): void => {
    const kind = node.constructor.name;
    if (kind === 'QuerySpecificationContext' && (!best || depth < best.depth)) {
      const items = (node as unknown as { selectList(): { selectItem(): SelectItem[] } }).selectList().selectItem();
      best = { depth, columns: items.map(columnName) };
    }
    // The statement's own LIMIT, not a subquery's.
    if (kind === 'QueryNoWithContext' && depth === 1) {
      const count = (node as unknown as { _limit?: Node })._limit?.getText();
      if (count !== undefined && /^\d+$/.test(count)) limit = Number(count);
    }
    // Each query (the statement, a WITH query, a subquery) nests one level deeper.
    for (const child of node.children ?? []) visit(child, depth + (kind === 'QueryStatementContext' ? 1 : 0));
  };
  visit(tree, 0);
  return { columns: best?.columns ?? [], ...(limit !== undefined ? { limit } : {}) };
}

interface SelectItem {
  _alias?: { getText(): string };
  getText(): string;
}

/** An item's alias, else its last name part (`"useridentity"."type"` → `type`), unquoted. */
function columnName(item: SelectItem): string {
  const raw = item._alias?.getText() ?? item.getText().split('.').pop() ?? '';
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
}
