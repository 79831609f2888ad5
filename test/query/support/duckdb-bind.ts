/**
 * Compiled DuckDB parameters as @duckdb/node-api values and types, for
 * `connection.run(compiled.text, values, types)`, so these tests run compiled SQL without
 * depending on the DuckDB engine's own loader.
 *
 * Types are always given: a list binds as LIST(VARCHAR) even when empty, and a time as a
 * TIMESTAMP (UTC microseconds), so DuckDB never has to guess from the value.
 */
import {
  BIGINT,
  DOUBLE,
  LIST,
  TIMESTAMP,
  VARCHAR,
  listValue,
  timestampValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { BoundParam } from '../../../src/model/query.js';

function binding(p: BoundParam): { value: DuckDBValue; type: DuckDBType } {
  const v = p.value;
  if (typeof v === 'string') return { value: v, type: VARCHAR };
  if (v instanceof Date) return { value: timestampValue(BigInt(v.getTime()) * 1000n), type: TIMESTAMP };
  if (typeof v === 'number') {
    return Number.isSafeInteger(v) ? { value: BigInt(v), type: BIGINT } : { value: v, type: DOUBLE };
  }
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    return { value: listValue(v as string[]), type: LIST(VARCHAR) };
  }
  throw new Error(`parameter ${p.placeholder} from ${p.source} has a value DuckDB cannot bind`);
}

export function toDuckDBBindings(params: readonly BoundParam[]): { values: DuckDBValue[]; types: DuckDBType[] } {
  const bound = params.map(binding);
  return { values: bound.map((b) => b.value), types: bound.map((b) => b.type) };
}
