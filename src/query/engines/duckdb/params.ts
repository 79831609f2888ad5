/**
 * Bind a compiled query's values to a DuckDB prepared statement, each with an explicit
 * type: the node API cannot infer a list's element type from an empty list, and a JS Date
 * must become a UTC TIMESTAMP to compare with eventTime.
 */
import { LIST, VARCHAR, listValue, timestampValue, type DuckDBPreparedStatement, type DuckDBTimestampValue } from '@duckdb/node-api';
import type { BoundParam } from '../../../model/query.js';
import { UnsupportedParamError } from './errors.js';

export function bindParams(prepared: DuckDBPreparedStatement, params: readonly BoundParam[]): void {
  if (prepared.parameterCount !== params.length) {
    throw new Error(
      `the query has ${prepared.parameterCount} placeholders but ${params.length} bound values; ` +
        'it was not compiled for this statement',
    );
  }
  params.forEach((param, position) => bindParam(prepared, indexOf(param, position), param));
}

/** `$n` binds parameter n; anything else binds in statement order. */
function indexOf(param: BoundParam, position: number): number {
  const numbered = /^\$(\d+)$/.exec(param.placeholder);
  return numbered ? Number(numbered[1]) : position + 1;
}

function bindParam(prepared: DuckDBPreparedStatement, index: number, param: BoundParam): void {
  const { value } = param;
  if (typeof value === 'string') return prepared.bindVarchar(index, value);
  if (typeof value === 'boolean') return prepared.bindBoolean(index, value);
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Whole numbers stay exact (counts, limits); others are doubles.
    return Number.isSafeInteger(value) ? prepared.bindBigInt(index, BigInt(value)) : prepared.bindDouble(index, value);
  }
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    return prepared.bindTimestamp(index, toTimestampValue(value));
  }
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) {
    return prepared.bindList(index, listValue(value), LIST(VARCHAR));
  }
  throw new UnsupportedParamError(param.placeholder, param.source, value);
}

/** A JS Date as a DuckDB TIMESTAMP (microseconds since the epoch, UTC). */
export function toTimestampValue(date: Date): DuckDBTimestampValue {
  return timestampValue(BigInt(date.getTime()) * 1000n);
}
