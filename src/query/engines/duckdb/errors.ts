/**
 * Errors of the embedded engine that a person at a terminal must be able to act on:
 * each names the path involved and what would have been accepted.
 */
import { EVENTS_COLUMNS } from './table.js';

const CLOUDTRAIL_COLUMN_NAMES = new Set(EVENTS_COLUMNS.map(([name]) => name));

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
    super(`none of the ${problems.length} CloudTrail files under "${path}" could be read:\n${shown.join('\n')}`, path);
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
 * A query read a column the session did not load: the engine was opened with the columns of
 * other queries (EngineHooks.columns). An error, never an empty answer.
 */
export class ColumnNotLoadedError extends Error {
  constructor(
    readonly column: string,
    loaded: readonly string[],
  ) {
    super(
      `this query reads "${column}", which this session did not load (it loaded ${loaded.join(', ')}): ` +
        'the engine must be opened with the columns of every query it will run',
    );
    this.name = 'ColumnNotLoadedError';
  }
}

/**
 * The CloudTrail column DuckDB could not find when binding a query, when it is one the session
 * left out (as opposed to a typo in raw SQL, which DuckDB's own message explains better).
 */
export function notLoadedColumn(error: unknown, loaded: readonly string[]): string | null {
  const message = error instanceof Error ? error.message : String(error);
  const name = /Referenced column "([^"]+)" not found/.exec(message)?.[1];
  return name && CLOUDTRAIL_COLUMN_NAMES.has(name) && !loaded.includes(name) ? name : null;
}
