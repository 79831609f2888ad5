/**
 * Hand staged files (one event per line: stage-core.ts) to DuckDB's JSON reader, which
 * parses and types them on its threads, each row tagged with its file's number from the
 * scratch file's name. Where the rows go:
 *
 * - `table`: into the session's loaded table, only the columns the run reads (columns.ts);
 * - a Parquet file, straight from the reader with no table in between: every column (a cache
 *   entry), or those the run reads (the session's own, past what its table takes).
 *
 * A statement that fails is split in halves until the file at fault is found (bisect.ts);
 * a file split the quick way is staged again the thorough way and tried once more before it
 * is named as unreadable.
 */
import { LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { bisect } from './bisect.js';
import { FILE_COLUMN, LOADED_TABLE } from './loaded-table.js';
import { eventStructureJson, readJsonColumnsSql, sqlLiteral } from './schema.js';
import type { DocumentKind } from './split.js';
import type { EventColumn } from './table.js';

/** One staged file with events. */
export interface StagedPart {
  source: string;
  number: number;
  kind: DocumentKind;
  /** The scratch file, `<number>.ndjson`. */
  path: string;
  /** Split the quick way (may be refused; then staged again). */
  quick: boolean;
  /** Where its rows go (load.ts). */
  route: 'cache' | 'table' | 'scratch';
}

export type Destination = { kind: 'table'; columns: ReadonlyArray<EventColumn> } | { kind: 'parquet'; path: string; columns: ReadonlyArray<EventColumn> };

/** `<n>.ndjson` → n. */
const FILE_NUMBER = `CAST(parse_filename(filename, true) AS UINTEGER) AS ${FILE_COLUMN}`;

/** The rows of scratch files of one kind ($1: their paths), every event of them. */
function selectSql(kind: DocumentKind, columns: ReadonlyArray<EventColumn>): string {
  if (kind === 'records') {
    return `SELECT * EXCLUDE (filename), ${FILE_NUMBER}
FROM read_json($1, format = 'newline_delimited', filename = true, columns = ${readJsonColumnsSql(columns)})`;
  }
  // lookup-events output: every line is `{"EventId": ..., "CloudTrailEvent": "<event as a
  // JSON string>"}`, so the event is parsed from that string by json_transform.
  return `SELECT unnest(event), ${FILE_COLUMN} FROM (
  SELECT json_transform("CloudTrailEvent", ${sqlLiteral(eventStructureJson(columns))}) AS event, ${FILE_NUMBER}
  FROM read_json($1, format = 'newline_delimited', filename = true, columns = {'CloudTrailEvent': 'VARCHAR'})
  WHERE "CloudTrailEvent" IS NOT NULL
)`;
}

/**
 * Row groups of a quarter of DuckDB's default: a group is buffered whole while it is written
 * (whole records are about 1.5 KB each in memory), and smaller groups let a narrow window skip
 * more of an entry.
 */
const ROW_GROUP_ROWS = 30_720;

/** The statement moving scratch files of one kind to the destination. */
export function readSql(kind: DocumentKind, destination: Destination): string {
  if (destination.kind === 'table') return `INSERT INTO ${LOADED_TABLE} BY NAME\n${selectSql(kind, destination.columns)}`;
  // COPY takes its target as literal text only: the cache's own path, never a user's words.
  return (
    `COPY (${selectSql(kind, destination.columns)}) TO ${sqlLiteral(destination.path)} ` +
    `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`
  );
}

export interface ReadFailure {
  part: StagedPart;
  /** DuckDB's message, for the user (describeReadError). */
  problem: string;
}

export interface ReadRequest {
  connection: DuckDBConnection;
  /** Where the rows of an attempt go; a new Parquet file for each, say. */
  destination: () => Promise<Destination>;
  /** After a statement wrote these parts' rows. */
  onRead: (parts: readonly StagedPart[], destination: Destination) => Promise<void>;
  /** A statement failed: whatever it began writing goes. */
  discard: (destination: Destination) => Promise<void>;
  /** A Parquet file could not be written (the folder is full or read-only): `destination` gives a table from now on. */
  writeFailed: (error: unknown) => void;
  /** A part split the quick way, staged again the thorough way; null when that failed (its problem reported). */
  restage: (part: StagedPart) => Promise<StagedPart | null>;
  signal?: AbortSignal;
}

/** Read the parts; returns those that could not be read at all. */
export async function readStaged(request: ReadRequest, parts: readonly StagedPart[]): Promise<ReadFailure[]> {
  const failures: ReadFailure[] = [];
  for (const kind of ['records', 'lookup'] as const) {
    const some = parts.filter((p) => p.kind === kind);
    for (const failed of await bisect(some, (items) => attempt(request, kind, items), request.signal)) {
      if (!failed.item.quick) {
        failures.push({ part: failed.item, problem: describeReadError(failed.message, failed.item.path) });
        continue;
      }
      request.signal?.throwIfAborted();
      const again = await request.restage(failed.item);
      if (!again) continue;
      try {
        await attempt(request, again.kind, [again]);
      } catch (error) {
        request.signal?.throwIfAborted();
        failures.push({ part: again, problem: describeReadError(messageOf(error), again.path) });
      }
    }
  }
  return failures;
}

async function attempt(request: ReadRequest, kind: DocumentKind, parts: readonly StagedPart[]): Promise<void> {
  const destination = await request.destination();
  try {
    await request.connection.run(readSql(kind, destination), [listValue(parts.map((p) => p.path))], [LIST(VARCHAR)]);
  } catch (error) {
    await request.discard(destination);
    // The cache's disk, not the logs: the same rows go to the table instead.
    if (destination.kind === 'parquet' && isWriteError(error)) {
      request.writeFailed(error);
      return attempt(request, kind, parts);
    }
    throw error;
  }
  await request.onRead(parts, destination);
}

/** DuckDB failing to write a file, as opposed to failing to read one. */
function isWriteError(error: unknown): boolean {
  return /^(IO|Permission) Error/.test(messageOf(error)) && !/Malformed JSON|\.ndjson/.test(messageOf(error));
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
    .replace(/ ?Try auto-detecting the JSON format[\s\S]*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '');
  return `an event could not be read (${what})`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
