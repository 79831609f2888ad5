/**
 * Errors of the embedded engine that a person at a terminal must be able to act on:
 * each names the path involved and what would have been accepted.
 */
import { typeToStructure, type Structure } from './schema.js';
import { EVENTS_COLUMNS } from './table.js';

const CLOUDTRAIL_COLUMN_NAMES = new Set(EVENTS_COLUMNS.map(([name]) => name));

/** Every field name of the struct columns, by its lower-case spelling. */
const STRUCT_FIELD_NAMES = new Map(EVENTS_COLUMNS.flatMap(([, type]) => fieldNames(typeToStructure(type))).map((n) => [n.toLowerCase(), n]));

function fieldNames(structure: Structure): string[] {
  if (typeof structure === 'string') return [];
  if (Array.isArray(structure)) return fieldNames(structure[0]!);
  return Object.entries(structure).flatMap(([name, field]) => [name, ...fieldNames(field)]);
}

/** The layouts discovery accepts, listed in every "nothing found" message. */
export const ACCEPTED_LAYOUTS = [
  'CloudTrail as delivered to S3: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz',
  'an organization trail: AWSLogs/<o-xxxxxxxxxx>/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz',
  'any folder inside such a tree (for example one region or one day)',
  'plain or gzipped .json files holding {"Records": [...]}',
  'the output of `aws cloudtrail lookup-events` saved as .json or .json.gz',
] as const;

const layoutList = ACCEPTED_LAYOUTS.map((layout) => `  - ${layout}`).join('\n');

/** Base class: every problem with the logs the user pointed the engine at. */
export class CloudTrailLogsError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class LogsPathNotFoundError extends CloudTrailLogsError {
  constructor(path: string) {
    super(`CloudTrail logs path "${path}" does not exist. Point --logs at a folder holding:\n${layoutList}`, path);
  }
}

export class NoCloudTrailFilesError extends CloudTrailLogsError {
  constructor(path: string) {
    super(
      `no CloudTrail log files (.json or .json.gz) found under "${path}". Accepted layouts:\n${layoutList}`,
      path,
    );
  }
}

/** Files were found but not one of them could be read: an error, never an empty answer. */
export class CloudTrailUnreadableError extends CloudTrailLogsError {
  constructor(
    path: string,
    readonly problems: string[],
  ) {
    const shown = problems.slice(0, 5).map((p) => `  - ${p}`);
    if (problems.length > shown.length) shown.push(`  - ... and ${problems.length - shown.length} more`);
    // Folders that could not be listed are named too: their files could not even be counted.
    const folders = problems.filter((p) => p.startsWith('skipped folder ')).length;
    const files = problems.length - folders;
    const unlisted = folders === 1 ? '1 folder could not be listed' : `${folders} folders could not be listed`;
    const what =
      folders === 0
        ? `none of the ${files} CloudTrail files under "${path}" could be read`
        : files === 0
          ? `no CloudTrail file under "${path}" could be read: ${unlisted}`
          : `none of the ${files} CloudTrail files under "${path}" could be read, and ${unlisted}`;
    super(`${what}:\n${shown.join('\n')}`, path);
  }
}

/** A compiled query meant for another engine was handed to this one. */
export class WrongEngineError extends Error {
  constructor(engine: string) {
    super(`the duckdb engine cannot run a query compiled for "${engine}"; compile it for duckdb`);
    this.name = 'WrongEngineError';
  }
}

/** A bound value of a type the DuckDB dialect never emits. */
export class UnsupportedParamError extends Error {
  constructor(placeholder: string, source: string, value: unknown) {
    const shape = value === null ? 'null' : Array.isArray(value) ? 'an array that is not all strings' : typeof value;
    super(
      `cannot bind ${placeholder} (${source}): ${shape} is not one of string, number, boolean, Date, string[]`,
    );
    this.name = 'UnsupportedParamError';
  }
}

/**
 * A query read a field the session did not load: the engine was opened with the fields of
 * other queries (EngineHooks.columns). An error, never an empty answer.
 */
export class ColumnNotLoadedError extends Error {
  constructor(
    readonly field: string,
    loaded: readonly string[],
  ) {
    super(
      `this query reads "${field}", which this session did not load (it loaded ${loaded.join(', ')}): ` +
        'the engine must be opened with the fields of every query it will run',
    );
    this.name = 'ColumnNotLoadedError';
  }
}

/**
 * The CloudTrail field DuckDB could not find when binding a query, when it is one the session
 * left out: a column, or a field of a struct column loaded narrowed (as opposed to a typo in
 * raw SQL, which DuckDB's own message explains better).
 */
export function notLoadedColumn(error: unknown, loadedColumns: readonly string[]): string | null {
  const message = error instanceof Error ? error.message : String(error);
  const column = /Referenced column "([^"]+)" not found/.exec(message)?.[1];
  if (column) return CLOUDTRAIL_COLUMN_NAMES.has(column) && !loadedColumns.includes(column) ? column : null;
  const key = /Could not find key "([^"]+)" in struct/.exec(message)?.[1];
  // DuckDB prints the key lower-cased: name it as CloudTrail spells it.
  return key ? (STRUCT_FIELD_NAMES.get(key.toLowerCase()) ?? key) : null;
}
