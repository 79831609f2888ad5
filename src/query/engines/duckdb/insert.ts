/**
 * Insert staged files (one event per line: stage.ts) into the loaded table with DuckDB's
 * JSON reader, each row tagged with its file's number from the scratch file's name. This is
 * how the careful read (careful.ts) hands DuckDB a file it could not read whole. A batch that
 * fails is split in halves until the file at fault is found, and only that file is skipped.
 */
import { LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { bisect } from './bisect.js';
import { FILE_COLUMN, LOADED_TABLE } from './loaded-table.js';
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

/** The statement inserting scratch files of one kind ($1: their paths), every event of them. */
export function insertSql(kind: DocumentKind, columns: ReadonlyArray<EventColumn>): string {
  if (kind === 'records') {
    // CloudTrail log files: every line is an event, typed into columns as it is read.
    return `
INSERT INTO ${LOADED_TABLE} BY NAME
SELECT * EXCLUDE (filename), ${FILE_NUMBER}
FROM read_json($1, format = 'newline_delimited', filename = true, columns = ${readJsonColumnsSql(columns)})`;
  }
  // lookup-events output: every line is `{"EventId": ..., "CloudTrailEvent": "<event as a
  // JSON string>"}`, so the event is parsed from that string by json_transform.
  return `
INSERT INTO ${LOADED_TABLE} BY NAME
SELECT unnest(event), ${FILE_COLUMN} FROM (
  SELECT json_transform("CloudTrailEvent", ${sqlLiteral(eventStructureJson(columns))}) AS event, ${FILE_NUMBER}
  FROM read_json($1, format = 'newline_delimited', filename = true, columns = {'CloudTrailEvent': 'VARCHAR'})
  WHERE "CloudTrailEvent" IS NOT NULL
)`;
}

export interface InsertRequest {
  connection: DuckDBConnection;
  kind: DocumentKind;
  columns: ReadonlyArray<EventColumn>;
  signal?: AbortSignal;
}

/**
 * Insert the parts; returns those that could not be inserted. A failed statement inserts
 * nothing, which is what makes retrying halves safe.
 */
export async function insertWithBisect(request: InsertRequest, parts: readonly StagedPart[]): Promise<InsertFailure[]> {
  const { connection, kind, columns, signal } = request;
  const sql = insertSql(kind, columns);
  const insert = async (some: readonly StagedPart[]): Promise<void> => {
    await connection.run(sql, [listValue(some.map((part) => part.path))], [LIST(VARCHAR)]);
  };
  const failed = await bisect(parts, insert, signal);
  return failed.map(({ item, message }) => ({ source: item.source, problem: describeReadError(message, item.path) }));
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
