/** The embedded DuckDB engine over local CloudTrail logs. */
export { createDuckDbEngine, DuckDbSession, type DuckDbEngineOptions } from './engine.js';
export {
  ACCEPTED_LAYOUTS,
  CloudTrailLogsError,
  CloudTrailUnreadableError,
  LogsPathNotFoundError,
  NoCloudTrailFilesError,
  UnsupportedParamError,
  WrongEngineError,
} from './errors.js';
export type { LoadReport } from './load.js';
export { EVENTS_COLUMNS, EVENTS_TABLE, createEventsTableSql } from './table.js';
