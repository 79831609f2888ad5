/**
 * Insert staged events into the `events` table with DuckDB's JSON reader, keeping only
 * events inside the window. A batch of files is written as one scratch file of one event
 * per line and inserted by one statement, so DuckDB spreads it over its threads and pays
 * its per-file cost once (many small files are the norm in a trail bucket). A batch that
 * fails is split in halves until the file at fault is found, and only that file is skipped.
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LIST, TIMESTAMP, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { TimeWindow } from '../../engine.js';
import { toTimestampValue } from './params.js';
import { eventStructureJson, readJsonColumnsSql, sqlLiteral } from './schema.js';
import type { DocumentKind } from './split.js';
import { EVENTS_TABLE } from './table.js';

/** The events of one source file, one per line, each ending in a newline. */
export interface StagedPart {
  source: string;
  lines: Buffer;
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

/** Buffers per writev call, under the usual IOV_MAX of 1024. */
const BUFFERS_PER_WRITE = 512;

/** Writes batches where DuckDB can read them, under names that never repeat. */
export class ScratchWriter {
  private written = 0;
  constructor(private readonly dir: string) {}

  /** One file of all the parts' lines, written straight from their buffers (no copy). */
  async write(parts: readonly StagedPart[]): Promise<string> {
    const path = join(this.dir, `batch-${++this.written}.ndjson`);
    const file = await open(path, 'w');
    try {
      for (let i = 0; i < parts.length; i += BUFFERS_PER_WRITE) {
        const buffers = parts.slice(i, i + BUFFERS_PER_WRITE).map((part) => part.lines);
        const expected = buffers.reduce((sum, b) => sum + b.length, 0);
        const { bytesWritten } = await file.writev(buffers);
        if (bytesWritten !== expected) throw new Error(`short write to scratch file ${path} (disk full?)`);
      }
    } finally {
      await file.close();
    }
    return path;
  }
}

/**
 * Insert the parts; returns those that could not be inserted. A failed statement inserts
 * nothing, which is what makes retrying halves safe.
 */
export async function insertWithBisect(
  connection: DuckDBConnection,
  kind: DocumentKind,
  parts: readonly StagedPart[],
  window: TimeWindow,
  scratch: ScratchWriter,
  signal?: AbortSignal,
): Promise<InsertFailure[]> {
  if (parts.length === 0) return [];
  signal?.throwIfAborted();
  const path = await scratch.write(parts);
  try {
    await connection.run(
      INSERT_SQL[kind],
      [listValue([path]), toTimestampValue(window.start), toTimestampValue(window.end)],
      [LIST(VARCHAR), TIMESTAMP, TIMESTAMP],
    );
    return [];
  } catch (error) {
    signal?.throwIfAborted();
    const message = error instanceof Error ? error.message : String(error);
    if (parts.length === 1) return [{ source: parts[0]!.source, problem: describeReadError(message, path) }];
  } finally {
    await rm(path, { force: true });
  }
  const middle = Math.ceil(parts.length / 2);
  return [
    ...(await insertWithBisect(connection, kind, parts.slice(0, middle), window, scratch, signal)),
    ...(await insertWithBisect(connection, kind, parts.slice(middle), window, scratch, signal)),
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
