/**
 * DuckDB's own word on what a statement does. The compile-time check (query/read-only.ts)
 * reads the SQL's text; here DuckDB's parser and binder have read it, and a prepared
 * statement's type says whether it only reads. Anything but a SELECT is refused before it
 * runs: an UPDATE of the loaded events would change what every later step sees.
 */
import { DuckDBInstance, StatementType, type DuckDBPreparedStatement } from '@duckdb/node-api';

export class NotReadOnlyError extends Error {
  override name = 'NotReadOnlyError';
  constructor(readonly statementType: string) {
    super(`DuckDB reads this statement as ${statementType}, not SELECT: a query step may only read`);
  }
}

/** Throws NotReadOnlyError unless DuckDB prepared `statement` as a SELECT. */
export function assertSelect(statement: DuckDBPreparedStatement): void {
  const type = statement.statementType;
  if (type !== StatementType.SELECT) throw new NotReadOnlyError(StatementType[type] ?? String(type));
}

interface SerializedSql {
  error: boolean;
  error_message?: string;
  statements?: unknown[];
}

/**
 * Why DuckDB's parser does not read `sql` as exactly one SELECT, or undefined when it does:
 * for `ctrb validate`, which has no events to bind a statement against. DuckDB serializes
 * only SELECT statements (`json_serialize_sql`), and says why it will not.
 */
export async function duckdbSelectProblem(sql: string): Promise<string | undefined> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
    const parsed = JSON.parse(String(reader.getRows()[0]?.[0])) as SerializedSql;
    if (parsed.error) return `DuckDB refuses it: ${parsed.error_message ?? 'it is not a SELECT'}`;
    const count = parsed.statements?.length ?? 0;
    return count === 1 ? undefined : `DuckDB reads ${count} statements in it; a raw step is exactly one SELECT`;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
