/** The embedded DuckDB engine over local CloudTrail logs. */
export { createDuckDbEngine, DuckDbSession, type DuckDbEngineOptions } from './engine.js';
export {
  ACCEPTED_LAYOUTS,
  CloudTrailLogsError,
  CloudTrailUnreadableError,
  ColumnNotLoadedError,
  LogsPathNotFoundError,
  NoCloudTrailFilesError,
  UnsupportedParamError,
  WrongEngineError,
} from './errors.js';
export type { LoadReport } from './load.js';
export { cacheSettingsFromEnv, CacheSettingError, DEFAULT_CACHE_MAX_SIZE, type CacheSettings } from './cache/settings.js';
export { fillPending } from './cache/fill-jobs.js';
export { EVENTS_COLUMNS, EVENTS_TABLE, createEventsTableSql } from './table.js';
export { duckdbSelectProblem, NotReadOnlyError } from './statement-type.js';
