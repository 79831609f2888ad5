/**
 * Insert staged files (one event per line) into the `events` table with DuckDB's JSON
 * reader, keeping only events inside the window. A batch is one statement, so DuckDB
 * spreads it over its threads; a batch that fails is split in halves until the file at
 * fault is found, and only that file is skipped.
 */
import { LIST, TIMESTAMP, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { TimeWindow } from '../../engine.js';
import { toTimestampValue } from './params.js';
import { eventStructureJson, readJsonColumnsSql, sqlLiteral } from './schema.js';
import type { DocumentKind } from './split.js';
import { EVENTS_TABLE } from './table.js';

export interface StagedBatchFile {
  source: string;
  staged: string;
}

/** CloudTrail log files: every line is an event, typed into columns as it is read. */
const INSERT_RECORDS_SQL = `
INSERT INTO ${EVENTS_TABLE} BY NAME
SELECT * FROM read_json($1, format = 'newline_delimited', columns = ${readJsonColumnsSql()})
WHERE "eventTime" >= $2 AND "eventTime" < $3`;

/**
 * lookup-events output: every line is `{"EventId": ..., "CloudTrailEvent": "<event as a
 * JSON string>"}`, so the event is parsed from that string by json_transform.
 */
const INSERT_LOOKUP_SQL = `
INSERT INTO ${EVENTS_TABLE} BY NAME
SELECT unnest(event) FROM (
  SELECT json_transform("CloudTrailEvent", ${sqlLiteral(eventStructureJson())}) AS event
  FROM read_json($1, format = 'newline_delimited', columns = {'CloudTrailEvent': 'VARCHAR'})
  WHERE "CloudTrailEvent" IS NOT NULL
)
WHERE event."eventTime" >= $2 AND event."eventTime" < $3`;

const INSERT_SQL: Record<DocumentKind, string> = { records: INSERT_RECORDS_SQL, lookup: INSERT_LOOKUP_SQL };

export interface InsertFailure {
  source: string;
  problem: string;
}

/**
 * Insert the files; returns the files that could not be inserted. A failed statement
 * inserts nothing, which is what makes retrying halves safe.
 */
export async function insertWithBisect(
  connection: DuckDBConnection,
  kind: DocumentKind,
  files: StagedBatchFile[],
  window: TimeWindow,
  signal?: AbortSignal,
): Promise<InsertFailure[]> {
  if (files.length === 0) return [];
  signal?.throwIfAborted();
  try {
    await connection.run(
      INSERT_SQL[kind],
      [listValue(files.map((f) => f.staged)), toTimestampValue(window.start), toTimestampValue(window.end)],
      [LIST(VARCHAR), TIMESTAMP, TIMESTAMP],
    );
    return [];
  } catch (error) {
    signal?.throwIfAborted();
    const message = error instanceof Error ? error.message : String(error);
    if (files.length === 1) return [{ source: files[0]!.source, problem: describeReadError(message, files[0]!.staged) }];
    const middle = Math.ceil(files.length / 2);
    return [
      ...(await insertWithBisect(connection, kind, files.slice(0, middle), window, signal)),
      ...(await insertWithBisect(connection, kind, files.slice(middle), window, signal)),
    ];
  }
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
