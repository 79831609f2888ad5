/**
 * Read whole CloudTrail log files straight into the loaded table: DuckDB opens each file
 * (gunzipping it itself), parses its `{"Records": [...]}` document, types only the members
 * the run loads, and spreads the files of a batch over its threads. Nothing of the events
 * passes through JavaScript, and nothing is written to disk first.
 *
 * Measured on a million events (1,727 files, 2 cores, runs taken in turn): 11-14 CPU-seconds,
 * against 15-19 for gunzipping and splitting each file into lines in JavaScript (zlib on libuv's
 * pool, the split on the main thread, overlapping DuckDB) and handing DuckDB those lines.
 *
 * A file this cannot take (damaged, gzipped under a plain name, lookup-events output, not
 * CloudTrail at all) is found (a failed statement is split in halves: bisect.ts) and read the
 * careful way instead (careful.ts), which also says what is wrong with it.
 */
import { LIST, UINTEGER, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { bisect } from './bisect.js';
import { FILE_COLUMN, LOADED_TABLE, ofFiles } from './loaded-table.js';
import { sqlLiteral } from './schema.js';
import type { EventColumn } from './table.js';

export interface DirectFile {
  source: string;
  /** Its number in the load: its rows' `ctrb_file`. */
  number: number;
  gzip: boolean;
  /** Bytes of its JSON document (a hint: document-size.ts). */
  bytes: number;
  /** Cut off near its end, as its gzip trailer shows: not read whole (document-size.ts). */
  suspect?: boolean;
}

/** What one file gave, read whole. */
export interface DirectCount {
  /** Rows inserted: its events, or one empty row when the document has no `Records`. */
  rows: number;
  /** Rows with an eventTime: an empty row has none. */
  timed: number;
}

export interface DirectResult {
  /** Files DuckDB could not read whole; nothing of them was inserted. */
  failed: DirectFile[];
  /** Per file number, for the files it read. */
  counts: Map<number, DirectCount>;
}

/** DuckDB's default; a batch holding a bigger document raises it to fit. */
const MIN_OBJECT_BYTES = 16 * 1024 * 1024;
const MAX_OBJECT_BYTES = 1024 * 1024 * 1024;

/**
 * A document without `Records` (not CloudTrail, or lookup-events output) still gives one
 * empty row, so that it is noticed and read the careful way, rather than silently giving none.
 * Only the first file is sampled: every file has the same shape, and sampling more reads them
 * twice (measured: a third of the time of a batch of a hundred files).
 */
function directInsertSql(columns: ReadonlyArray<EventColumn>, gzip: boolean, maxObjectBytes: number): string {
  const record = `STRUCT(${columns.map(([name, type]) => `"${name}" ${type}`).join(', ')})[]`;
  // file_index: the file's place in $1, so its number is that place in $2.
  return `
INSERT INTO ${LOADED_TABLE} BY NAME
SELECT unnest(event), $2[CAST(file_index AS BIGINT) + 1] AS ${FILE_COLUMN} FROM (
  SELECT unnest(coalesce("Records", [NULL])) AS event, file_index
  FROM read_json($1, format = 'unstructured', compression = '${gzip ? 'gzip' : 'uncompressed'}',
                 maximum_sample_files = 1, maximum_object_size = ${maxObjectBytes},
                 columns = {'Records': ${sqlLiteral(record)}})
)`;
}

const COUNTS_SQL = `
SELECT ${FILE_COLUMN}, count(*) AS rows, count("eventTime") AS timed
FROM ${LOADED_TABLE} WHERE ${ofFiles('$1')} GROUP BY ALL`;

/** Read the files whole, gzipped and plain ones by separate statements. */
export async function readDirect(
  connection: DuckDBConnection,
  files: readonly DirectFile[],
  columns: ReadonlyArray<EventColumn>,
  signal?: AbortSignal,
): Promise<DirectResult> {
  const attempt = async (some: readonly DirectFile[]): Promise<void> => {
    const largest = Math.max(...some.map((f) => f.bytes));
    const maxObjectBytes = Math.min(Math.max(MIN_OBJECT_BYTES, Math.ceil(largest * 1.25)), MAX_OBJECT_BYTES);
    await connection.run(
      directInsertSql(columns, some[0]!.gzip, maxObjectBytes),
      [listValue(some.map((f) => f.source)), listValue(some.map((f) => f.number))],
      [LIST(VARCHAR), LIST(UINTEGER)],
    );
  };
  const failed: DirectFile[] = [];
  for (const gzip of [true, false]) {
    const group = files.filter((f) => f.gzip === gzip);
    for (const { item } of await bisect(group, attempt, signal)) failed.push(item);
  }
  const read = files.filter((f) => !failed.includes(f)).map((f) => f.number);
  const counts = new Map<number, DirectCount>();
  if (read.length > 0) {
    const reader = await connection.runAndReadAll(COUNTS_SQL, [listValue(read)], [LIST(UINTEGER)]);
    for (const [number, rows, timed] of reader.getRowsJS()) counts.set(Number(number), { rows: Number(rows), timed: Number(timed) });
  }
  return { failed, counts };
}
