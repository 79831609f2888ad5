/**
 * Insert staged files into the loaded table with DuckDB's JSON reader. A batch of files is
 * inserted by one statement over their scratch files, so DuckDB spreads it over its threads
 * (file by file) and pays its per-statement cost once; each row gets its file's number from
 * the scratch file's name. A batch that fails is split in halves until the file at fault is
 * found, and only that file is skipped.
 */
import { LIST, TIMESTAMP, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { TimeWindow } from '../../engine.js';
import { FILE_COLUMN, LOADED_TABLE } from './loaded-table.js';
import { toTimestampValue } from './params.js';
import { eventStructureJson, readJsonColumnsSql, sqlLiteral } from './schema.js';
import type { DocumentKind } from './split.js';
import type { EventColumn } from './table.js';

/** One staged file with events: where its lines wait, and where they came from. */
export interface StagedPart {
  source: string;
  /** The scratch file, `<number>.ndjson`. */
  path: string;
}

export interface InsertFailure {
  source: string;
  problem: string;
}

/** `<n>.ndjson` → n. */
const FILE_NUMBER = `CAST(parse_filename(filename, true) AS UINTEGER) AS ${FILE_COLUMN}`;

/**
 * The statement inserting scratch files of one kind ($1: their paths). With `window`, only
 * events inside it are kept ($2 <= eventTime < $3); without, every event is (for the cache).
 */
export function insertSql(kind: DocumentKind, columns: ReadonlyArray<EventColumn>, window: boolean): string {
  if (kind === 'records') {
    // CloudTrail log files: every line is an event, typed into columns as it is read.
    return `
INSERT INTO ${LOADED_TABLE} BY NAME
SELECT * EXCLUDE (filename), ${FILE_NUMBER}
FROM read_json($1, format = 'newline_delimited', filename = true, columns = ${readJsonColumnsSql(columns)})
${window ? 'WHERE "eventTime" >= $2 AND "eventTime" < $3' : ''}`;
  }
  // lookup-events output: every line is `{"EventId": ..., "CloudTrailEvent": "<event as a
  // JSON string>"}`, so the event is parsed from that string by json_transform.
  return `
INSERT INTO ${LOADED_TABLE} BY NAME
SELECT unnest(event), ${FILE_COLUMN} FROM (
  SELECT json_transform("CloudTrailEvent", ${sqlLiteral(eventStructureJson(columns))}) AS event, ${FILE_NUMBER}
  FROM read_json($1, format = 'newline_delimited', filename = true, columns = {'CloudTrailEvent': 'VARCHAR'})
  WHERE "CloudTrailEvent" IS NOT NULL
)
${window ? 'WHERE event."eventTime" >= $2 AND event."eventTime" < $3' : ''}`;
}

export interface InsertRequest {
  connection: DuckDBConnection;
  kind: DocumentKind;
  columns: ReadonlyArray<EventColumn>;
  /** Keep only the window's events; null keeps every event of the files. */
  window: TimeWindow | null;
  signal?: AbortSignal;
}

/**
 * Insert the parts; returns those that could not be inserted. A failed statement inserts
 * nothing, which is what makes retrying halves safe.
 */
export async function insertWithBisect(request: InsertRequest, parts: readonly StagedPart[]): Promise<InsertFailure[]> {
  const { connection, kind, columns, window, signal } = request;
  const sql = insertSql(kind, columns, window !== null);
  const insert = async (some: readonly StagedPart[]): Promise<void> => {
    const paths = listValue(some.map((part) => part.path));
    if (window) {
      await connection.run(sql, [paths, toTimestampValue(window.start), toTimestampValue(window.end)], [LIST(VARCHAR), TIMESTAMP, TIMESTAMP]);
    } else {
      await connection.run(sql, [paths], [LIST(VARCHAR)]);
    }
  };
  return bisect(parts, insert, signal);
}

async function bisect(
  parts: readonly StagedPart[],
  attempt: (parts: readonly StagedPart[]) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<InsertFailure[]> {
  if (parts.length === 0) return [];
  signal?.throwIfAborted();
  try {
    await attempt(parts);
    return [];
  } catch (error) {
    signal?.throwIfAborted();
    const message = error instanceof Error ? error.message : String(error);
    if (parts.length === 1) return [{ source: parts[0]!.source, problem: describeReadError(message, parts[0]!.path) }];
  }
  const middle = Math.ceil(parts.length / 2);
  return [
    ...(await bisect(parts.slice(0, middle), attempt, signal)),
    ...(await bisect(parts.slice(middle), attempt, signal)),
  ];
}

/**
 * DuckDB's message names the scratch file and positions within it, which mean nothing to
 * the user: keep what went wrong, drop where in our copy.
 */
export function describeReadError(message: string, staged: string): string {
  const what = message
    .replace(` in file "${staged}"`, '')
    .replace(/^[A-Za-z ]+ Error: /, '')
    .replace(/,? (at byte \d+ )?in line \d+/, '')
    // Advice about read_json options is for someone writing the SQL, which the user is not.
    .replace(/ ?If this error occurred during read_json[\s\S]*$/, '')
    .replace(/ ?Try setting 'auto_detect'[\s\S]*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '');
  return `an event could not be read (${what})`;
}
